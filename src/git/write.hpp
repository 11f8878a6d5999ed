#pragma once
// Creating trees and commits through libgit2 (signed commits included: the caller signs the buffer).
// Knows nothing of tollgate.

#include "git/objects.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tollgate::git {

// The tree of `base_commit` with the regular file `path` (slashes allowed) set to `content` (as
// tree_with_files does).
Result<Oid> tree_with_file(const Repository& repo, const Oid& base_commit, std::string_view path,
                           std::string_view content);

// The tree of `base_commit` with each regular file (path, content) of `files` set, keeping the mode
// of a file that is there already (an executable stays executable).
Result<Oid> tree_with_files(const Repository& repo, const Oid& base_commit,
                            const std::vector<std::pair<std::string, std::string>>& files);

// A tree holding exactly `files` (name, content) at its top level.
Result<Oid> tree_of_files(const Repository& repo, const std::vector<std::pair<std::string, std::string>>& files);

// The exact bytes of a commit object, as git would write them (what a signature covers).
Result<std::string> commit_buffer(const Repository& repo, const Oid& tree, const std::vector<Oid>& parents,
                                  const Signature& author, const Signature& committer, std::string_view message);

// Writes the commit `buffer`, with `signature` (armored) as its `gpgsig` header when not empty.
Result<Oid> write_commit(const Repository& repo, const std::string& buffer, const std::string& signature);

// Splits a raw commit object into the bytes its `gpgsig` signature covers and the signature; the
// signature is empty when the commit is unsigned.
struct SignedCommit {
  std::string payload;
  std::string signature;
};
Result<SignedCommit> split_commit_signature(const Repository& repo, const Oid& commit);

} // namespace tollgate::git
