// Removing a snapshot a hostile check has had its hands on: symlinks to anywhere, directories made
// read-only or unreadable, trees deeper than any descriptor budget, mounts left inside.

#include "core/checklist/snapshot.hpp"

#include "util/fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

namespace tollgate::core {

namespace {

// Directories deeper than this are moved up to the top instead of descended into (each level holds
// a descriptor); the top is then emptied again.
constexpr int k_max_depth = 64;
constexpr int k_max_passes = 10'000;

struct Removal {
  int top;
  dev_t device;
  unsigned moved = 0;
  bool complete = true;
};

std::vector<std::string> entry_names(int dir)
{
  std::vector<std::string> names;
  const int copy = ::dup(dir);
  if (copy < 0) {
    return names;
  }
  DIR* stream = ::fdopendir(copy);
  if (stream == nullptr) {
    ::close(copy);
    return names;
  }
  ::rewinddir(stream);
  while (const dirent* entry = ::readdir(stream)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      names.emplace_back(name);
    }
  }
  ::closedir(stream);
  return names;
}

// Opens the directory `name` in `dir` without following a symlink, restoring the owner's rights
// to it when the check took them away (fchmodat with AT_SYMLINK_NOFOLLOW never touches a target).
util::Fd open_subdir(int dir, const char* name)
{
  constexpr int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  util::Fd child(::openat(dir, name, flags));
  if (!child && errno == EACCES && ::fchmodat(dir, name, 0700, AT_SYMLINK_NOFOLLOW) == 0) {
    child = util::Fd(::openat(dir, name, flags));
  }
  return child;
}

void empty_dir(int dir, int depth, Removal& removal)
{
  ::fchmod(dir, 0700); // unlinking needs write and search rights (not for root; harmless when not ours)
  for (const auto& name : entry_names(dir)) {
    if (::unlinkat(dir, name.c_str(), 0) == 0 || errno == ENOENT) {
      continue;
    }
    util::Fd child = open_subdir(dir, name.c_str());
    struct stat st {};
    if (!child || ::fstat(child.get(), &st) != 0 || st.st_dev != removal.device) {
      removal.complete = false; // not removable, or another file system mounted here: left alone
      continue;
    }
    if (depth >= k_max_depth && dir != removal.top) {
      const std::string moved = fmt::format(".tollgate-deep-{}", removal.moved++);
      if (::renameat2(dir, name.c_str(), removal.top, moved.c_str(), RENAME_NOREPLACE) != 0) {
        removal.complete = false;
      }
      continue;
    }
    empty_dir(child.get(), depth + 1, removal);
    if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0) {
      removal.complete = false;
    }
  }
}

} // namespace

bool remove_tree(const std::filesystem::path& path)
{
  const std::filesystem::path parent_path = path.parent_path().empty() ? "." : path.parent_path();
  const util::Fd parent(::open(parent_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent) {
    return errno == ENOENT;
  }
  const std::string name = path.filename().string();
  if (::unlinkat(parent.get(), name.c_str(), 0) == 0 || errno == ENOENT) {
    return true; // a file or a symlink (planted in place of the snapshot): only the link goes
  }
  const util::Fd top = open_subdir(parent.get(), name.c_str());
  struct stat st {};
  if (!top || ::fstat(top.get(), &st) != 0) {
    return false;
  }
  Removal removal{top.get(), st.st_dev};
  for (int pass = 0; pass < k_max_passes; ++pass) {
    const unsigned moved_before = removal.moved;
    empty_dir(top.get(), 0, removal);
    if (removal.moved == moved_before) {
      break;
    }
  }
  return ::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR) == 0 && removal.complete;
}

} // namespace tollgate::core
