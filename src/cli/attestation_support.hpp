#pragma once
// What `promote`, `gate` and `attestations` share: the attestations of a candidate's tree judged
// against the trust root and the checks in force, and attested results standing in for checks.

#include "core/checklist/attest.hpp"
#include "core/config/config.hpp"
#include "git/repository.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tollgate::cli {

// Judges the attestations of `candidate`'s tree against `root` (the trust root for it) and the
// attestable checks of `in_force` under `limits`; Fatal(3) when it cannot.
core::AttestationsReport attestations_or_fatal(const git::Repository& repo, const core::TrustRoot& root,
                                               const core::Config& in_force, const git::Oid& candidate,
                                               const proc::Limits& limits);

// Replaces each attested check of `checks` by its attested result; with `unattested` set, each
// other attestable check by a skipped result saying so (`gate` runs no command). Returns one line per
// attested check ("pytest attested by CI (key …)").
std::vector<std::string> use_attestations(std::vector<std::unique_ptr<checks::Check>>& checks,
                                          const core::AttestationsReport& report, bool unattested = false);

} // namespace tollgate::cli
