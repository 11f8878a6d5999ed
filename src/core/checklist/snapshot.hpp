#pragma once
// "A snapshot is judged" (DESIGN.md §7.1): the candidate's tree exported into a private scratch
// directory with a throwaway `.git` (HEAD detached at the candidate, objects borrowed from the real
// repository through `objects/info/alternates`, no refs, an index with stat data), so that checks
// which call git see a clean checkout of exactly the commit that is promoted.

#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>

namespace tollgate::core {

struct SnapshotOptions {
  // Where `tollgate-snapshot-XXXXXX/` is made; empty: $TMPDIR, else /tmp.
  std::filesystem::path scratch_base;
  // When set, everything in the snapshot (the `.git` too) belongs to this user and group, and the
  // snapshot directory is 0700: tollgate runs as root and the check as an unprivileged uid.
  std::optional<uid_t> owner;
  std::optional<gid_t> group;
};

// The snapshot directory, removed with everything in it when the object dies: never following a
// symlink, restoring permissions a check took away, never leaving the snapshot's file system.
class Snapshot {
public:
  Snapshot(Snapshot&& other) noexcept;
  Snapshot& operator=(Snapshot&& other) noexcept;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  ~Snapshot();

  // The work tree; empty once moved from or released.
  const std::filesystem::path& root() const { return m_root; }
  std::filesystem::path git_dir() const { return m_root / ".git"; }
  const git::Oid& commit() const { return m_commit; }

  // Keeps the directory on disk (for debugging) and returns its path; the object owns nothing after.
  std::filesystem::path release();

private:
  friend Result<Snapshot> make_snapshot(const git::Repository&, const git::Oid&, const SnapshotOptions&);
  Snapshot(std::filesystem::path root, const git::Oid& commit) : m_root(std::move(root)), m_commit(commit) {}
  std::filesystem::path m_root;
  git::Oid m_commit;
};

// Exports `commit`'s tree: regular files with their executable bit, symlinks as symlinks (never
// followed while writing), submodules as empty directories; blobs are written as stored (no
// filters, no `export-subst`). A tree git would refuse (an entry named `.git`, `..` or holding a
// `/`, two entries with one name) is an error, and nothing is left behind.
Result<Snapshot> make_snapshot(const git::Repository& repo, const git::Oid& commit, const SnapshotOptions& options);

// Removes `path` and everything under it without following symlinks (a symlink `path` is not
// followed either), making directories writable as needed, and never descending into another
// file system mounted inside. Returns false when something could not be removed.
bool remove_tree(const std::filesystem::path& path);

} // namespace tollgate::core
