#pragma once
// A promotion's remote (`--push REMOTE`, `release.remote`): the remote's release refs compared with
// this clone's before anything is signed, and the finished release a failed push left behind.

#include "core/config/config.hpp"
#include "core/release/promotion.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

// What the remote holds of the release line: its branch, `stable`, release tags and audit log, their
// objects downloaded (no local ref changes).
struct RemoteView {
  std::string remote; // as given: a remote name or a URL
  std::string url;
  std::map<std::string, git::Oid> refs; // by full name
};

// Fails with the URL and libgit2's message when the remote cannot be reached or read.
Result<RemoteView> read_remote(const git::Repository& repo, const Config& config, const std::string& remote);

// One line per ref where the remote is ahead of this clone (it has what the local ref lacks) or
// diverged from it, naming the ref, both short ids and the command that updates this clone; empty
// when the remote is behind or equal. A remote `stable` this clone's audit log has moved past (a
// promotion or demotion not pushed yet) is not ahead.
Result<std::vector<std::string>> remote_conflicts(const git::Repository& repo, const Config& config,
                                                  const RemoteView& view);

// The newest release of this clone when the remote lacks any of its refs (its branch commit, tag,
// `stable`, audit-log entry): `journal` lists the refs to push, `candidate` names its approvals.
// `superseded`: the branch has moved on past its commit, so the next promotion's own refs carry
// it (its tag and approvals go along) instead of a push of it alone.
struct PendingRelease {
  std::string release; // "v1.4.0"
  git::Oid candidate;
  Journal journal; // the refs to publish (the branch left out when the remote already has the commit)
  bool superseded = false;
};

// nullopt unless the audit log's head records the promotion `stable` points at, and the remote
// lacks some of its refs. Refused (an error) when that release does not pass `tollgate verify`:
// only a finished release tollgate signed is pushed this way.
Result<std::optional<PendingRelease>> pending_release(const git::Repository& repo, const Config& config,
                                                      const RemoteView& view);

// The approval refs of `candidate`, by name: they go with its release, so that a clone can
// `tollgate verify` it.
std::vector<std::string> approval_refs(const git::Repository& repo, const git::Oid& candidate);

// Pushes `journal`'s refs (publish_refspecs), the approvals of `candidate` and the refs in `carried`.
Result<void> push_release(const git::Repository& repo, const std::string& remote, const Journal& journal,
                          const git::Oid& candidate, std::vector<std::string> carried = {});

} // namespace tollgate::core
