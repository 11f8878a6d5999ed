#pragma once
// What approve, approvals and gate share: the repository, the candidate, the trust root; each
// failure is a Fatal with the contract's exit code.

#include "core/trust_root.hpp"
#include "core/workspace.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"

#include <string>

namespace tollgate::cli {

// Fatal(3) when it cannot be opened.
git::Repository open_repository(const core::Workspace& workspace);
// Fatal(2) when `rev` does not name a commit.
git::Oid resolve_revision(const git::Repository& repo, const std::string& rev);
// Fatal(2) for a malformed MAINTAINERS.yaml or tollgate.yaml at the trust root, Fatal(3) otherwise.
core::TrustRoot trust_root_or_fatal(const git::Repository& repo, const core::Config& config, const git::Oid& candidate);

} // namespace tollgate::cli
