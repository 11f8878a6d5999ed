#pragma once
// RAII over libgit2's repository handle. Knows nothing of tollgate.

#include "git/libgit2.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace tollgate::git {

// One per process, before any other libgit2 call (git_libgit2_init / shutdown).
class Library {
public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

// Initialises libgit2 on first use and shuts it down at exit. Lazy on purpose: Debian's libgit2
// parses the whole system CA bundle in git_libgit2_init (about 5 ms), which commands that only
// need to locate the repository should not pay.
void ensure_initialised();
// For a command that will open a repository: loads libgit2 and runs ensure_initialised() on a thread
// of its own, while the command line is parsed and the configuration read (git/libgit2.hpp). Hold
// the thread until the command is done: it is joined when dropped.
[[nodiscard]] std::jthread load_in_background();

// Where a repository lives, found without libgit2: the nearest enclosing directory holding a
// `.git` directory, or a `.git` file pointing elsewhere (`gitdir: ...`, as worktrees and
// submodules have), or that is itself a bare repository (`HEAD`, `objects/`, `refs/` and
// `core.bare = true`: then `work_dir` is empty). Both paths are absolute and have no trailing slash.
struct Location {
  std::filesystem::path work_dir; // empty for a bare repository
  std::filesystem::path git_dir;
};
Result<Location> locate(const std::filesystem::path& start);

// The message of libgit2's last error, prefixed by `what`.
std::string last_error(std::string_view what);

class Repository {
public:
  // Finds the repository containing `path` (like git does from a subdirectory).
  static Result<Repository> discover(const std::filesystem::path& path);
  static Result<Repository> open(const std::filesystem::path& path);

  git_repository* get() const { return m_repo.get(); }
  std::filesystem::path work_dir() const; // empty for a bare repository
  std::filesystem::path git_dir() const;
  // Where objects, refs and `info/` live: git_dir() itself, or the main one for a linked worktree.
  std::filesystem::path common_dir() const;
  // A shallow clone: history is cut off (`git fetch --unshallow` brings it).
  bool is_shallow() const;

private:
  struct Free {
    void operator()(git_repository* repo) const { git_repository_free(repo); }
  };
  explicit Repository(git_repository* repo) : m_repo(repo) {}
  std::unique_ptr<git_repository, Free> m_repo;
};

// "1.5.1"
std::string libgit2_version();

} // namespace tollgate::git
