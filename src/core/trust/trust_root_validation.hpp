#pragma once
// Validation of a trust root before it can become one (issue: "the trust root cannot brick the
// repository"). A candidate's tollgate.yaml, MAINTAINERS.yaml and .tollgate/keys/ become the trust
// root once it is promoted; if they cannot approve anything, no later promotion is possible. So
// `promote` refuses such a candidate (exit 2), and `check`/`gate` report it as the `trust-root` check.

#include "core/config/config.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "gpg/keyring.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

// The files a trust root is made of, read from a commit or from a directory.
struct TrustRootFiles {
  std::string origin;                          // where they were read, for messages ("commit 1a2b3c4")
  std::optional<std::string> config_text;      // tollgate.yaml; nullopt when absent
  std::optional<std::string> maintainers_text; // approvals.maintainers; nullopt when absent
  std::string maintainers_path;                // as named by the configuration (or the default)
  std::vector<gpg::ArmoredKey> keys;           // .tollgate/keys/*.asc
  std::vector<std::string> refused;            // files not read (a symbolic link, unreadable): one line each
};

// From `commit`'s tree. `fallback` names the maintainers file when the commit has no tollgate.yaml.
Result<TrustRootFiles> trust_root_files_at(const git::Repository& repo, const git::Oid& commit, const Config& fallback);

// From the directory `root` (a work tree): symbolic links are not followed, but refused.
Result<TrustRootFiles> trust_root_files_in(const std::filesystem::path& root, const Config& fallback);

struct TrustRootSummary {
  std::vector<std::string> problems; // one line each, `file:line:col: what is wrong`; empty: valid
  std::size_t file_problems = 0;     // the first ones, about the files themselves; then who can approve
  int maintainers = 0;               // listed
  int can_approve = 0;               // with a valid signing key present under .tollgate/keys/
  int required = 0;
  bool exclude_author = true;
  bool ok() const { return problems.empty(); }
};

// Everything that would make these files a trust root under which nothing can be promoted: a
// malformed tollgate.yaml or MAINTAINERS.yaml, a key file that is not an OpenPGP public key, a
// maintainer's key that no file under .tollgate/keys/ holds, fewer maintainers able to approve
// (a present key, valid now, able to sign) than `approvals.required`, a role in `approvals.roles`
// that none of them holds. `now` is seconds since the epoch.
TrustRootSummary validate_trust_root(const TrustRootFiles& files, std::int64_t now);

// The same for the trust root `commit` would make (trust_root_files_at, then validate_trust_root);
// an error when its files cannot be read.
Result<TrustRootSummary> validate_trust_root_at(const git::Repository& repo, const git::Oid& commit,
                                                const Config& fallback, std::int64_t now);

} // namespace tollgate::core
