// `tollgate approvals [REV]`: every approval found for the candidate, whether it counts and, if not,
// the one reason; ends with "N of M required approvals". Exit 0 when enough count, 1 otherwise.
// It runs the same `approvals` check as `check` and `gate`, so all three always agree.

#include "core/trust/approvals.hpp"
#include "checks/registry.hpp"
#include "cli/common.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/trust/require.hpp"
#include "openpgp/verify.hpp"
#include "util/fatal.hpp"
#include "util/term.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace tollgate::cli {

namespace {

struct ApprovalsOptions {
  std::string revision = "HEAD";
};

void print_report(const nlohmann::json& report, const util::Style& style)
{
  std::printf("Approvals of %s (trust root: %s)\n", report["candidate"].get<std::string>().c_str(),
              report["trust_root"].get<std::string>().c_str());
  for (const auto& approval : report["approvals"]) {
    const bool counts = approval["counts"].get<bool>();
    std::string who = approval["name"].get<std::string>();
    if (who.empty()) {
      who = approval["ref"].get<std::string>();
    } else {
      who += fmt::format(" <{}>", approval["email"].get<std::string>());
    }
    const std::string fingerprint = approval["fingerprint"].get<std::string>();
    std::printf("  %s %s%s: %s\n", counts ? style.green("✔").c_str() : style.red("✘").c_str(), who.c_str(),
                fingerprint.empty() ? "" : fmt::format(" (key {})", fingerprint).c_str(),
                approval["reason"].get<std::string>().c_str());
    if (const auto comment = approval["comment"].get<std::string>(); !comment.empty()) {
      std::printf("      \"%s\"\n", comment.c_str());
    }
  }
  if (report["approvals"].empty()) {
    std::printf("  (none under refs/tollgate/approvals/%s/; fetch them with `git fetch origin "
                "'refs/tollgate/*:refs/tollgate/*'`)\n",
                report["candidate"].get<std::string>().c_str());
  }
  const int counted = report["counted"].get<int>();
  const int required = report["required"].get<int>();
  const std::string summary = fmt::format("{} of {} required approval{}", counted, required, required == 1 ? "" : "s");
  std::printf("%s\n", counted >= required ? style.green(summary).c_str() : style.red(summary).c_str());
}

int run_approvals(const ApprovalsOptions& options, const Globals& globals)
{
  const std::jthread rnp_loader = openpgp::load_in_background(); // while the repository opens
  const core::Workspace workspace = core::find_workspace(core::WorkTree::optional);
  const core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = core::open_repository(workspace);
  const git::Oid candidate = core::resolve_revision(repo, options.revision);
  core::trust_root_or_fatal(repo, config, candidate); // malformed trust-root files: exit 2 with file:line:col

  auto check = core::approvals_check(config);
  checks::Context context;
  context.root = workspace.root;
  context.git_dir = workspace.git_dir;
  context.config = &config;
  context.revision = candidate.hex();
  const checks::CheckResult result = check->run(context);
  if (result.status == checks::Status::error) {
    environment_error(result.summary);
  }
  if (globals.json) {
    print_json(result.details);
  } else {
    util::Style style;
    style.color = globals.color_on(STDOUT_FILENO);
    print_report(result.details, style);
  }
  return result.status == checks::Status::pass ? exit_code::k_ok : exit_code::k_failed;
}

} // namespace

std::function<int()> setup_approvals(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<ApprovalsOptions>();
  app.add_option("revision", options->revision, "The candidate commit (default: HEAD)")->type_name("REV");
  return [options, &globals] { return run_approvals(*options, globals); };
}

} // namespace tollgate::cli
