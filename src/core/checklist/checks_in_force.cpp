#include "core/checklist/checks_in_force.hpp"

#include "checks/registry.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::core {

git::Repository open_repository(const Workspace& workspace)
{
  auto repo = git::Repository::open(workspace.git_dir);
  if (!repo) {
    environment_error(repo.error().message);
  }
  return std::move(*repo);
}

std::unique_ptr<checks::Check> builtin_check(const Config& config, std::string_view kind)
{
  const std::string file = config.path.empty() ? std::string(k_config_file) : config.path.string();
  for (const auto& spec : config.checks) {
    if (spec.kind == kind) {
      return checks::create(spec, file);
    }
  }
  CheckSpec spec;
  spec.kind = std::string(kind);
  spec.id = std::string(kind);
  spec.options = YAML::Node(YAML::NodeType::Map);
  spec.location = Location{file, 0, 0};
  return checks::create(spec, file);
}

std::unique_ptr<checks::Check> approvals_check(const Config& config)
{
  return builtin_check(config, "approvals");
}

void add_trust_root_check(std::vector<std::unique_ptr<checks::Check>>& checks, const Config& config)
{
  if (std::none_of(checks.begin(), checks.end(),
                   [](const auto& check) { return check->spec().kind == "trust-root"; })) {
    checks.insert(checks.begin(), builtin_check(config, "trust-root"));
  }
}

AttestationsReport attestations_or_fatal(const git::Repository& repo, const TrustRoot& root, const Config& in_force,
                                         const git::Oid& candidate, const proc::Limits& limits)
{
  auto report = evaluate_attestations(repo, root, candidate, attestable_checks(in_force.checks, limits));
  if (!report) {
    environment_error("cannot judge the attestations: " + report.error().message);
  }
  return std::move(*report);
}

std::vector<std::string> use_attestations(std::vector<std::unique_ptr<checks::Check>>& checks,
                                          const AttestationsReport& report, bool unattested)
{
  std::vector<std::string> lines;
  for (auto& check : checks) {
    const auto decision = std::find_if(report.checks.begin(), report.checks.end(),
                                       [&](const CheckAttestation& one) { return one.check.id == check->id(); });
    if (decision == report.checks.end() || !attestable_kind(check->spec().kind)) {
      continue;
    }
    if (decision->attested()) {
      lines.push_back(fmt::format("{} {}", decision->check.id, decision->reason));
      check = decided_check(check->spec(), attested_result(report, *decision));
    } else if (unattested) {
      checks::CheckResult result;
      result.status = checks::Status::skipped;
      result.summary = decision->reason + " (it runs at promotion)";
      check = decided_check(check->spec(), std::move(result));
    }
  }
  return lines;
}

} // namespace tollgate::core
