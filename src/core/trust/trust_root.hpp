#pragma once
// The trust root (DESIGN.md §3): who may approve and how approvals are counted, read at the current
// `stable` release, so that a candidate cannot approve itself by editing MAINTAINERS.yaml or
// tollgate.yaml. Only the very first promotion (no stable release yet) reads it from the candidate.

#include "core/config/config.hpp"
#include "core/trust/maintainers.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "gpg/keyring.hpp"

#include <expected>
#include <string>
#include <vector>

namespace tollgate::core {

struct TrustRoot {
  bool bootstrap = false; // read from the candidate: there is no stable release yet
  git::Oid commit;        // where it was read
  std::string source;     // "stable (1a2b3c4)" or "candidate 1a2b3c4 (bootstrap: no `stable` tag yet)"
  ApprovalsConfig approvals;
  std::string repository; // normalised identity; empty when neither configured nor an origin remote
  std::string maintainers_path;
  Maintainers maintainers;
  std::vector<gpg::ArmoredKey> keys;         // .tollgate/keys/*.asc at that commit
  std::string digest;                        // SHA-256 over everything above that decides a verdict
  VerifyBackend verify = VerifyBackend::rnp; // the operator's choice (local tollgate.yaml), not the root's
};

struct TrustRootError {
  int exit_code = 2; // 2: a malformed file; 3: repository state
  std::string message;
};

inline constexpr const char* k_keys_dir = ".tollgate/keys";

// Where the trust root of `candidate` is read: the commit of the current stable release, or the
// candidate itself before the first one (bootstrap). Refuses the bootstrap when releases exist.
struct TrustRootCommit {
  git::Oid commit;
  bool bootstrap = false;
  std::string source;
};
std::expected<TrustRootCommit, TrustRootError> trust_root_commit(const git::Repository& repo, const Config& local,
                                                                 const git::Oid& candidate);

// Reads the trust root for `candidate`. `local` is the work tree's configuration: it names the
// stable tag and is the fallback when the trust-root commit has no tollgate.yaml. The repository
// identity is `release.repository` at the trust root, else the URL of `origin`.
std::expected<TrustRoot, TrustRootError> load_trust_root(const git::Repository& repo, const Config& local,
                                                         const git::Oid& candidate);

// The trust root as it was at `commit` (for re-verifying a past release against the stable release
// before it); `source` names it in messages.
std::expected<TrustRoot, TrustRootError> load_trust_root_at(const git::Repository& repo, const Config& local,
                                                            const git::Oid& commit, bool bootstrap,
                                                            const std::string& source);

} // namespace tollgate::core
