#pragma once
// The way out of a trust root that is already broken at `stable` (a MAINTAINERS.yaml nobody can
// approve under was promoted before validation existed, or keys all expired): `promote
// --recover-trust-root` counts the approvals of a fixing candidate under the last good trust root,
// found by walking the promotion records back from `stable` (each release's Previous-stable), and
// records which one (`Recovered-trust-root:`), so `verify` can re-check the choice. It still needs
// signatures: enough maintainers of that earlier trust root must approve the fix.

#include "core/config/config.hpp"
#include "core/trust/promotion_record.hpp"
#include "core/trust/trust_root.hpp"
#include "git/repository.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

namespace tollgate::core {

// Why the trust root at `commit` could not approve anything (the first problem), or nullopt when it
// is usable: it loads, and core/trust_root_validation finds nothing wrong.
std::optional<std::string> trust_root_problem(const git::Repository& repo, const Config& local, const git::Oid& commit,
                                              std::int64_t now);

struct Recovery {
  TrustRootOverride root; // where approvals are counted
  StableRef stable;       // the stable release whose trust root is broken
  std::string broken;     // why (one line)
};

// Refuses (exit 2) when there is no stable release or its trust root is usable; (exit 3) when no
// earlier release in the chain has a usable one.
std::expected<Recovery, TrustRootError> recover_trust_root(const git::Repository& repo, const Config& local,
                                                           std::int64_t now);

} // namespace tollgate::core
