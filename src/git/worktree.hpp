#pragma once
// The work tree and HEAD through libgit2: cleanliness, the current branch, checkouts, and pushes.
// Knows nothing of tollgate.

#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::git {

// Paths of tracked files whose index or work-tree state differs from HEAD (untracked and ignored
// files do not count); empty when clean.
Result<std::vector<std::string>> uncommitted_changes(const Repository& repo);

// The short name of the branch HEAD is on ("main"); nullopt when HEAD is detached.
Result<std::optional<std::string>> current_branch(const Repository& repo);

// After HEAD's branch moved from `previous`: makes the index and the work tree match HEAD's commit,
// changing only files that still match `previous` (local edits are never overwritten). Regular
// files are written to a scratch file beside them and renamed into place: a full disk or a crash
// leaves each file either old or new, never half-written; running it again finishes the job.
Result<void> checkout_head(const Repository& repo, const Oid& previous);

// Detaches HEAD at `commit` and checks it out (safe, as above).
Result<void> checkout_detached(const Repository& repo, const Oid& commit);

// Writes the files of `commit` into `directory` (created when missing; must be empty otherwise),
// without touching the repository's own work tree, index or HEAD.
Result<void> export_tree(const Repository& repo, const Oid& commit, const std::filesystem::path& directory);

// Pushes `refspecs` to `remote` (a remote name or a URL), with the credentials libgit2 finds
// (ssh-agent, or none for local and anonymous remotes).
Result<void> push(const Repository& repo, const std::string& remote, const std::vector<std::string>& refspecs);

} // namespace tollgate::git
