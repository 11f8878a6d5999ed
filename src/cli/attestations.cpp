// `tollgate attestations [REV]`: every attestation filed for the candidate's tree, whether it counts
// and, if not, the one reason; then each attestable check in force, attested or not. Exit 0 when
// every attestable check is attested, 1 otherwise. `promote` and `gate` judge them the same way.

#include "cli/common.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/limits.hpp"
#include "core/trust/require.hpp"
#include "util/fatal.hpp"
#include "util/term.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace tollgate::cli {

namespace {

struct AttestationsOptions {
  std::string revision = "HEAD";
};

void print_report(const core::AttestationsReport& report, const util::Style& style)
{
  const auto mark = [&](bool good) { return good ? style.green("✔") : style.red("✘"); };
  fmt::print("Attestations of {} (tree {}; trust root: {})\n", report.candidate.hex(), report.tree.short_hex(),
             report.trust_source);
  for (const auto& record : report.attestations) {
    const std::string what = record.check_id + (record.shard.whole() ? "" : " shard " + record.shard.str());
    const std::string who = record.attester.empty() ? std::string() : " by " + record.attester;
    const std::string key = record.fingerprint.empty() ? std::string() : fmt::format(" (key {})", record.fingerprint);
    fmt::print("  {} {}{}{}: {}\n", mark(record.counts()), what, who, key, record.reason);
  }
  if (report.attestations.empty()) {
    fmt::print("  (none under refs/tollgate/attestations/{}/; fetch them with `git fetch origin "
               "'refs/tollgate/*:refs/tollgate/*'`)\n",
               report.tree.hex());
  }
  fmt::print("Checks in force:\n");
  for (const auto& check : report.checks) {
    fmt::print("  {} {}: {}\n", mark(check.attested()), check.check.id, check.reason);
  }
  const auto attested = std::count_if(report.checks.begin(), report.checks.end(),
                                      [](const core::CheckAttestation& one) { return one.attested(); });
  const std::string summary = fmt::format("{} of {} attestable check{} attested", attested, report.checks.size(),
                                          report.checks.size() == 1 ? "" : "s");
  fmt::print("{}\n", attested == static_cast<long>(report.checks.size()) ? style.green(summary) : style.red(summary));
}

int run_attestations(const AttestationsOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace(core::WorkTree::optional);
  const core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = core::open_repository(workspace);
  const git::Oid candidate = core::resolve_revision(repo, options.revision);
  const core::Floor floor = core::floor_or_fatal(repo, config, candidate);
  const proc::Limits limits =
      core::limits_in_force(floor.config, core::effective_limits(floor.config.sandbox), repo, candidate);
  const core::TrustRoot root = core::trust_root_or_fatal(repo, config, candidate);
  const core::AttestationsReport report = core::attestations_or_fatal(repo, root, floor.config, candidate, limits);
  const bool all = std::all_of(report.checks.begin(), report.checks.end(),
                               [](const core::CheckAttestation& one) { return one.attested(); });
  if (globals.json) {
    nlohmann::json document = report.to_json();
    document["all_attested"] = all;
    print_json(document);
  } else {
    util::Style style;
    style.color = globals.color_on(STDOUT_FILENO);
    print_report(report, style);
  }
  return all ? exit_code::k_ok : exit_code::k_failed;
}

} // namespace

std::function<int()> setup_attestations(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<AttestationsOptions>();
  app.add_option("revision", options->revision, "The candidate commit (default: HEAD)")->type_name("REV");
  return [options, &globals] { return run_attestations(*options, globals); };
}

} // namespace tollgate::cli
