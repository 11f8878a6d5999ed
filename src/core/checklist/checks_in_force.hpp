#pragma once
// What a command sets up before its checklist runs: the repository, the built-in checks it adds to
// tollgate.yaml's list, and the attested results that stand in for checks (docs/attestations.md).

#include "checks/check.hpp"
#include "core/checklist/attest.hpp"
#include "core/checklist/workspace.hpp"
#include "core/config/config.hpp"
#include "git/repository.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

// Fatal(3) when it cannot be opened.
git::Repository open_repository(const Workspace& workspace);

// The configured check of built-in `kind` (the first), or one with default options when
// tollgate.yaml lists none; `approvals_check` is builtin_check(config, "approvals").
std::unique_ptr<checks::Check> builtin_check(const Config& config, std::string_view kind);
std::unique_ptr<checks::Check> approvals_check(const Config& config);

// Puts the built-in `trust-root` check first unless tollgate.yaml lists it (core/trust_root_validation).
void add_trust_root_check(std::vector<std::unique_ptr<checks::Check>>& checks, const Config& config);

// Judges the attestations of `candidate`'s tree against `root` (the trust root for it) and the
// attestable checks of `in_force` under `limits`; Fatal(3) when it cannot.
AttestationsReport attestations_or_fatal(const git::Repository& repo, const TrustRoot& root, const Config& in_force,
                                         const git::Oid& candidate, const proc::Limits& limits);

// Replaces each attested check of `checks` by its attested result; with `unattested` set, each
// other attestable check by a skipped result saying so (`gate` runs no command). Returns one line per
// attested check ("pytest attested by CI (key …)").
std::vector<std::string> use_attestations(std::vector<std::unique_ptr<checks::Check>>& checks,
                                          const AttestationsReport& report, bool unattested = false);

} // namespace tollgate::core
