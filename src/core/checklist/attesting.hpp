#pragma once
// An attesting run (`check --attest`, docs/attestations.md): the key that signs, chosen and probed
// before anything runs; which checks the run sets aside (never attested, or another shard's); and
// the results it signs, each with what the trust root will make of it.

#include "checks/check.hpp"
#include "core/checklist/attest.hpp"
#include "core/checklist/runner.hpp"
#include "core/trust/trust_root.hpp"
#include "gpg/context.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

// What signs an attesting run and what the trust root says of it.
struct Attesting {
  gpg::Context gpg;
  gpg::KeyInfo key;
  TrustRoot root;
  Shard shard;
};

// Chooses the attesting key in `gpg` (`key`, or the one attester key there) and signs a probe with
// it: Fatal(3) when none can sign.
Attesting prepare_attesting(const git::Repository& repo, gpg::Context gpg, TrustRoot root, const std::string& key,
                            Shard shard);

// Sets aside in `run` what an attesting run never runs: the judgements of the promotion itself, and
// in a shard other than the first every check but its slice of the pytest ones.
void set_aside_unattested(const std::vector<std::unique_ptr<checks::Check>>& checks, const Shard& shard,
                          RunOptions& run);

struct AttestedCheck {
  AttestedResult result;
  std::string warning; // why the trust root will not count it (empty: it will)
};

// Signs the results of a finished run of `commit` under `limits`: Fatal(3) when it cannot.
std::vector<AttestedCheck> attest_run(const git::Repository& repo, const Config& config, const git::Oid& commit,
                                      const Attesting& attesting, const RunReport& report, const proc::Limits& limits);

} // namespace tollgate::core
