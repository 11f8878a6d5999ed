#pragma once
// Reading and writing git objects through libgit2: commits, annotated tags, raw objects, files at a
// commit, ancestry and changed paths. Knows nothing of tollgate.

#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tollgate::git {

struct Signature {
  std::string name;
  std::string email;
  std::int64_t time = 0; // seconds since the epoch
  int offset = 0;        // minutes east of UTC
};

struct CommitInfo {
  Oid id;
  Oid tree;
  std::vector<Oid> parents;
  Signature author;
  Signature committer;
  std::string message;         // raw message, trailers included
  std::string summary() const; // first line
};

struct TagInfo {
  Oid id;
  Oid target;
  git_object_t target_type = GIT_OBJECT_INVALID;
  std::string name;
  std::optional<Signature> tagger;
  std::string message; // as libgit2 parses it: a signature appended to the message stays in it
};

struct RawObject {
  git_object_t type = GIT_OBJECT_INVALID;
  std::string data;
};

// `rev` (a sha, a ref, a tag name, `HEAD~2`...) peeled to a commit.
Result<Oid> resolve_commit(const Repository& repo, std::string_view rev);
// `oid` peeled through annotated tags to a commit.
Result<Oid> peel_to_commit(const Repository& repo, const Oid& oid);

Result<CommitInfo> read_commit(const Repository& repo, const Oid& id);
Result<TagInfo> read_tag(const Repository& repo, const Oid& id);
// The object's type and exact bytes as stored (what signatures cover).
Result<RawObject> read_raw(const Repository& repo, const Oid& id);
bool exists(const Repository& repo, const Oid& id);
// Writes `data` as an object of `type` (the odb hashes it); returns its id.
Result<Oid> write_raw(const Repository& repo, std::string_view data, git_object_t type);

// True when `commit` is `ancestor` or descends from it.
Result<bool> descends_from(const Repository& repo, const Oid& commit, const Oid& ancestor);

// The content of the blob at `path` in `commit`'s tree; nullopt when there is no such file.
Result<std::optional<std::string>> read_file_at(const Repository& repo, const Oid& commit, std::string_view path);
// The mode of the entry at `path` in `commit`'s tree (0100644, 0100755, 0120000...); nullopt when
// there is no such entry.
Result<std::optional<std::uint32_t>> file_mode_at(const Repository& repo, const Oid& commit, std::string_view path);
// The regular files directly inside directory `dir` of `commit`'s tree, as (name, content), sorted by
// name; empty when the directory does not exist.
Result<std::vector<std::pair<std::string, std::string>>> read_dir_at(const Repository& repo, const Oid& commit,
                                                                     std::string_view dir);

// Every regular file under directory `dir` of `commit`'s tree, recursively, as (path relative to
// `dir`, content), sorted by path; empty when the directory does not exist.
Result<std::vector<std::pair<std::string, std::string>>> read_tree_at(const Repository& repo, const Oid& commit,
                                                                      std::string_view dir);

// Paths that differ between the trees of `from` (nullopt: the empty tree) and `to`, sorted; a
// rename lists both paths.
Result<std::vector<std::string>> changed_paths(const Repository& repo, const std::optional<Oid>& from, const Oid& to);

// A string value of the repository's configuration (with global and system levels); nullopt when
// unset.
Result<std::optional<std::string>> config_string(const Repository& repo, const std::string& key);
// The URL of remote `name` (`remote.<name>.url`, without `insteadOf` rewriting); nullopt when
// there is no such remote.
std::optional<std::string> remote_url(const Repository& repo, const std::string& name);

} // namespace tollgate::git
