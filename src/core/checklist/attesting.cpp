#include "core/checklist/attesting.hpp"

#include "core/checklist/judging.hpp"
#include "core/trust/signing.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

namespace tollgate::core {

Attesting prepare_attesting(const git::Repository& repo, gpg::Context gpg, TrustRoot root, const std::string& key,
                            Shard shard)
{
  auto chosen = choose_attesting_key(gpg, repo, key, [&root](const std::string& fingerprint) {
    return root.maintainers.attester_by_fingerprint(fingerprint) != nullptr;
  });
  if (!chosen) {
    environment_error("cannot attest: " + chosen.error().message);
  }
  if (auto probe = gpg.sign_detached("tollgate signing probe", chosen->fingerprint); !probe) {
    environment_error("cannot attest: " + probe.error().message);
  }
  return Attesting{std::move(gpg), std::move(*chosen), std::move(root), shard};
}

void set_aside_unattested(const std::vector<std::unique_ptr<checks::Check>>& checks, const Shard& shard,
                          RunOptions& run)
{
  for (const auto& check : checks) {
    if (!runs_commands(*check)) {
      run.set_aside.emplace(check->id(), "not attested: judged at the promotion itself");
    } else if (!shard.whole() && shard.index != 1 && check->spec().kind != "pytest") {
      run.set_aside.emplace(check->id(), fmt::format("runs in shard 1/{}", shard.count));
    }
  }
}

std::vector<AttestedCheck> attest_run(const git::Repository& repo, const Config& config, const git::Oid& commit,
                                      const Attesting& attesting, const RunReport& report, const proc::Limits& limits)
{
  const AttestingRun run{commit, attesting.root.repository, attesting.key.fingerprint, attesting.shard, limits};
  auto attested = attest_results(repo, attesting.gpg, config.checks, report, run);
  if (!attested) {
    environment_error(attested.error().message);
  }
  const Attester* attester = attesting.root.maintainers.attester_by_fingerprint(attesting.key.fingerprint);
  std::vector<AttestedCheck> out;
  for (auto& one : *attested) {
    std::string warning;
    if (attester == nullptr) {
      warning = fmt::format("key {} belongs to no attester in {} at {}: this attestation will not count",
                            attesting.key.fingerprint, attesting.root.maintainers_path, attesting.root.source);
    } else if (!attester->may_attest(one.check_id)) {
      warning = fmt::format("attester {} may not attest `{}` ({} at {}): this attestation will not count",
                            attester->name, one.check_id, attesting.root.maintainers_path, attesting.root.source);
    }
    out.push_back({std::move(one), std::move(warning)});
  }
  return out;
}

} // namespace tollgate::core
