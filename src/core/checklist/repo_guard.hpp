#pragma once
// "The judge is unchanged" (DESIGN.md §7.5): what a check could change in the real repository to
// influence a verdict or a later run, recorded before the checks and compared after them.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

// One entry as found on disk (symlinks never followed).
struct FileRecord {
  enum class Kind { file, directory, symlink, other };
  Kind kind = Kind::other;
  std::uint32_t mode = 0; // permission bits
  std::uint64_t size = 0;
  std::string content; // a file's SHA-256, a symlink's target; empty otherwise
  friend bool operator==(const FileRecord&, const FileRecord&) = default;
};

struct RepoState {
  // Loose refs (`refs/...`, recursively) and the top-level `*HEAD` files, by name, as written
  // (`<sha>`, `ref: refs/heads/main`); a symlink as `-> target`, anything else as `(kind)`.
  std::map<std::string, std::string> loose_refs;
  // `packed-refs` as written, kept whole (compared bytewise, parsed only when it differs); null
  // when there is none. Shared with the state it was found equal to (capture_repo_state's `since`).
  std::shared_ptr<const std::string> packed_refs;
  // `config`, `config.worktree`, `shallow`, `objects/info/alternates` and everything under
  // `hooks/` and `info/`, by path relative to the git directory.
  std::map<std::string, FileRecord> files;
  // The top-level names in `tollgate/` and their kinds, nothing below them: tollgate writes its logs
  // there during a run and keeps nothing there that decides a verdict. `logs` appearing as a
  // directory is not a difference (the first run makes it); as anything else it is.
  std::map<std::string, FileRecord::Kind> tollgate_entries;
};

// Reads the state of the repository whose git directory (the common one, for a linked work tree)
// is `git_dir`. Unreadable entries are recorded as such, so a change to them still shows.
// With `since` (an earlier capture), a packed-refs file equal to its own is compared in place and
// shared, not read into memory again: 20,000 packed refs are 3.7 MB, and a fresh buffer of that size
// costs more in page faults than the comparison.
RepoState capture_repo_state(const std::filesystem::path& git_dir, const RepoState* since = nullptr);

// One line per difference, for a person ("refs/heads/main moved from abc1234 to def5678",
// "`.git/hooks/pre-push` was added"); empty when nothing differs.
std::vector<std::string> compare(const RepoState& before, const RepoState& after);

} // namespace tollgate::core
