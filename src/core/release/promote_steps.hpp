#pragma once
// The steps of core::promote (core/release/promote.cpp) that refuse: each is a Fatal with the
// contract's exit code, its message naming what was refused and that nothing was written.

#include "changelog/plan.hpp"
#include "core/checklist/runner.hpp"
#include "core/checklist/workspace.hpp"
#include "core/config/config.hpp"
#include "core/release/promotion.hpp"
#include "core/release/remote_state.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <optional>
#include <string>

namespace tollgate::core {

struct PromoteRequest;

// The remote to check and push to: `push`, else release.remote (which must be a remote of this clone).
std::string remote_in_use(const git::Repository& repo, const Config& config, const std::string& push);

// Before anything is signed: the remote is fetched (objects only) and must not be ahead of or
// diverged from this clone. Returns the finished release it lacks, if any (a push that failed).
std::optional<PendingRelease> check_remote(const git::Repository& repo, const Config& config,
                                           const std::string& remote);

// The candidate's tollgate.yaml, MAINTAINERS.yaml and keys become the trust root once promoted: a
// set under which nothing could ever be approved would brick the repository (exit 2, every problem).
void refuse_broken_trust_root(const git::Repository& repo, const Config& config, const git::Oid& candidate);

// The version and the CHANGELOG section of the cut: exit 2 when they cannot be planned, 1 when
// nothing is to be released.
changelog::ReleasePlan plan_or_fatal(const git::Repository& repo, const Config& config, const Workspace& workspace,
                                     const Baseline& baseline, const PromoteRequest& request);

// Exit 2 when `plan`'s version is not higher than stable's or than the release at `first_stage`.
void refuse_lower_version(const Config& config, const Baseline& baseline, const changelog::ReleasePlan& plan,
                          const std::string& first_stage);

// The signing key: present, able to sign (a probe signature), and a maintainer's.
gpg::KeyInfo signing_key_or_fatal(const gpg::Context& gpg, const git::Repository& repo, const Config& config,
                                  const std::string& key, const git::Oid& candidate);

// The isolation the checks' commands actually ran under ("none" when no command ran).
std::string backend_in_force(const RunReport& report);

} // namespace tollgate::core
