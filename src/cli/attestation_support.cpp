#include "cli/attestation_support.hpp"

#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::cli {

core::AttestationsReport attestations_or_fatal(const git::Repository& repo, const core::TrustRoot& root,
                                               const core::Config& in_force, const git::Oid& candidate,
                                               const proc::Limits& limits)
{
  auto report = core::evaluate_attestations(repo, root, candidate, core::attestable_checks(in_force.checks, limits));
  if (!report) {
    environment_error("cannot judge the attestations: " + report.error().message);
  }
  return std::move(*report);
}

std::vector<std::string> use_attestations(std::vector<std::unique_ptr<checks::Check>>& checks,
                                          const core::AttestationsReport& report, bool unattested)
{
  std::vector<std::string> lines;
  for (auto& check : checks) {
    const auto decision = std::find_if(report.checks.begin(), report.checks.end(),
                                       [&](const core::CheckAttestation& one) { return one.check.id == check->id(); });
    if (decision == report.checks.end() || !core::attestable_kind(check->spec().kind)) {
      continue;
    }
    if (decision->attested()) {
      lines.push_back(fmt::format("{} {}", decision->check.id, decision->reason));
      check = core::decided_check(check->spec(), core::attested_result(report, *decision));
    } else if (unattested) {
      checks::CheckResult result;
      result.status = checks::Status::skipped;
      result.summary = decision->reason + " (it runs at promotion)";
      check = core::decided_check(check->spec(), std::move(result));
    }
  }
  return lines;
}

} // namespace tollgate::cli
