#include "core/checklist/snapshot.hpp"

#include "git/handles.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace tollgate::core {

namespace {

namespace fs = std::filesystem;

// Deeper trees are refused: each level holds a directory descriptor while it is written.
constexpr int k_max_depth = 256;
// Below this many files one thread writes them all; above, one per core (at most this many).
constexpr std::size_t k_files_per_thread = 512;
constexpr unsigned k_max_threads = 4;

std::string errno_text(int error)
{
  return std::error_code(error, std::generic_category()).message();
}

// What the index records for one path.
struct IndexRow {
  std::string path;
  git_oid id{};
  std::uint32_t mode = 0;
  struct stat st {};
};

// A regular file to write; directories, symlinks and submodules are made before any file.
struct FileJob {
  std::string path;
  git_oid id{};
  bool executable = false;
};

class Exporter {
public:
  Exporter(git_repository* repo, int root, const SnapshotOptions& options)
      : m_repo(repo), m_root(root), m_options(options)
  {
  }

  Result<void> make_git_dir(const git::Oid& commit, const fs::path& objects);
  Result<void> make_dirs_and_links(const git_tree* tree, int dir, const std::string& prefix, int depth);
  Result<void> write_files(const fs::path& objects);
  Result<void> write_index(const fs::path& index_path);

private:
  Result<void> own(int fd, const std::string& what) const;
  Result<void> own_at(int dir, const char* name, const std::string& what) const;
  Result<void> write_new(int dir, const char* name, std::string_view content, const std::string& what) const;
  Result<void> write_one(git_odb* odb, const FileJob& job, IndexRow& row) const;
  Result<void> write_range(const fs::path& objects, std::atomic<std::size_t>& next, std::atomic<bool>& stop,
                           std::vector<IndexRow>& rows) const;

  git_repository* m_repo;
  int m_root;
  const SnapshotOptions& m_options;
  std::vector<FileJob> m_files;
  std::vector<IndexRow> m_rows;
};

Result<void> Exporter::own(int fd, const std::string& what) const
{
  if (m_options.owner && ::fchown(fd, *m_options.owner, m_options.group.value_or(static_cast<gid_t>(-1))) != 0) {
    return fail(fmt::format("cannot give {} to uid {}: {}", what, *m_options.owner, errno_text(errno)));
  }
  return {};
}

Result<void> Exporter::own_at(int dir, const char* name, const std::string& what) const
{
  if (m_options.owner && ::fchownat(dir, name, *m_options.owner, m_options.group.value_or(static_cast<gid_t>(-1)),
                                    AT_SYMLINK_NOFOLLOW) != 0) {
    return fail(fmt::format("cannot give {} to uid {}: {}", what, *m_options.owner, errno_text(errno)));
  }
  return {};
}

// Creates `name` in `dir` (never an existing file, never through a symlink) holding `content`.
Result<void> Exporter::write_new(int dir, const char* name, std::string_view content, const std::string& what) const
{
  const util::Fd fd(::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) {
    return fail(fmt::format("cannot create {}: {}", what, errno_text(errno)));
  }
  while (!content.empty()) {
    const ssize_t written = ::write(fd.get(), content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(fmt::format("cannot write {}: {}", what, errno_text(errno)));
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return own(fd.get(), what);
}

Result<void> Exporter::make_git_dir(const git::Oid& commit, const fs::path& objects)
{
  const fs::path common = git_repository_commondir(m_repo);
  if (::mkdirat(m_root, ".git", 0755) != 0) {
    return fail(fmt::format("cannot create the snapshot's .git: {}", errno_text(errno)));
  }
  const util::Fd git(::openat(m_root, ".git", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!git) {
    return fail(fmt::format("cannot open the snapshot's .git: {}", errno_text(errno)));
  }
  if (auto owned = own(git.get(), ".git"); !owned) {
    return owned;
  }
  for (const char* dir : {"objects", "objects/info", "refs", "refs/heads", "refs/tags"}) {
    if (::mkdirat(git.get(), dir, 0755) != 0) {
      return fail(fmt::format("cannot create .git/{}: {}", dir, errno_text(errno)));
    }
    if (auto owned = own_at(git.get(), dir, fmt::format(".git/{}", dir)); !owned) {
      return owned;
    }
  }
  const std::string config = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
                             "\tlogallrefupdates = false\n[gc]\n\tauto = 0\n";
  std::vector<std::pair<const char*, std::string>> files = {
      {"HEAD", commit.hex() + "\n"},
      {"config", config},
      {"objects/info/alternates", objects.string() + "\n"},
  };
  // A shallow repository's boundary, so that history walks in the snapshot stop where the real one does.
  if (std::ifstream shallow(common / "shallow", std::ios::binary); shallow) {
    std::ostringstream text;
    text << shallow.rdbuf();
    files.emplace_back("shallow", text.str());
  }
  for (const auto& [name, content] : files) {
    if (auto written = write_new(git.get(), name, content, fmt::format(".git/{}", name)); !written) {
      return written;
    }
  }
  return {};
}

// A name git itself would refuse to check out.
bool bad_name(std::string_view name)
{
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos) {
    return true;
  }
  if (name.size() != 4) {
    return false;
  }
  return std::equal(name.begin(), name.end(), ".git", [](char a, char b) { return std::tolower(a) == b; });
}

Result<void> Exporter::make_dirs_and_links(const git_tree* tree, int dir, const std::string& prefix, int depth)
{
  if (depth > k_max_depth) {
    return fail(fmt::format("the tree is nested deeper than {} levels at {}", k_max_depth, prefix));
  }
  const std::size_t count = git_tree_entrycount(tree);
  for (std::size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const char* name = git_tree_entry_name(entry);
    const std::string path = prefix + name;
    if (bad_name(name)) {
      return fail(fmt::format("the tree has an entry git refuses to check out: `{}`", path));
    }
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    IndexRow row{path, *git_tree_entry_id(entry), static_cast<std::uint32_t>(mode), {}};
    switch (mode) {
    case GIT_FILEMODE_BLOB:
    case GIT_FILEMODE_BLOB_EXECUTABLE:
      m_files.push_back({path, row.id, mode == GIT_FILEMODE_BLOB_EXECUTABLE});
      continue;
    case GIT_FILEMODE_TREE: {
      if (::mkdirat(dir, name, 0755) != 0) {
        return fail(fmt::format("cannot create {} in the snapshot: {}", path, errno_text(errno)));
      }
      const util::Fd child(::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!child) {
        return fail(fmt::format("cannot open {} in the snapshot: {}", path, errno_text(errno)));
      }
      if (auto owned = own(child.get(), path); !owned) {
        return owned;
      }
      git_tree* sub_raw = nullptr;
      if (git_tree_lookup(&sub_raw, m_repo, &row.id) != 0) {
        return fail(git::last_error(fmt::format("cannot read the tree of {}", path)));
      }
      const git::TreePtr sub(sub_raw);
      if (auto done = make_dirs_and_links(sub_raw, child.get(), path + "/", depth + 1); !done) {
        return done;
      }
      continue;
    }
    case GIT_FILEMODE_LINK: {
      git_blob* blob_raw = nullptr;
      if (git_blob_lookup(&blob_raw, m_repo, &row.id) != 0) {
        return fail(git::last_error(fmt::format("cannot read the symlink {}", path)));
      }
      const git::BlobPtr blob(blob_raw);
      const std::string target(static_cast<const char*>(git_blob_rawcontent(blob_raw)),
                               static_cast<std::size_t>(git_blob_rawsize(blob_raw)));
      if (target.empty() || target.find('\0') != std::string::npos) {
        return fail(fmt::format("the symlink {} has an invalid target", path));
      }
      if (::symlinkat(target.c_str(), dir, name) != 0) {
        return fail(fmt::format("cannot create the symlink {} in the snapshot: {}", path, errno_text(errno)));
      }
      break;
    }
    case GIT_FILEMODE_COMMIT:
      if (::mkdirat(dir, name, 0755) != 0) {
        return fail(fmt::format("cannot create {} in the snapshot: {}", path, errno_text(errno)));
      }
      break;
    default:
      return fail(fmt::format("the tree entry {} has an unknown mode {:o}", path, static_cast<unsigned>(mode)));
    }
    // A symlink or a submodule: owned, then its stat data taken (a chown changes the ctime).
    if (auto owned = own_at(dir, name, path); !owned) {
      return owned;
    }
    if (::fstatat(dir, name, &row.st, AT_SYMLINK_NOFOLLOW) != 0) {
      return fail(fmt::format("cannot stat {} in the snapshot: {}", path, errno_text(errno)));
    }
    m_rows.push_back(std::move(row));
  }
  return {};
}

// Creates `path` below `root` without following any symlink on the way or leaving the file system.
int create_beneath(int root, const std::string& path, mode_t mode)
{
#ifdef SYS_openat2
  open_how how{};
  how.flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
  how.mode = mode;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  const long fd = ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
  if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) {
    return static_cast<int>(fd);
  }
#endif
  // Without openat2 (old kernels, seccomp): every directory on the way was made by this export
  // (mkdirat fails on an existing name), so none of them is a symlink; the last one is not followed.
  return ::openat(root, path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
}

Result<void> Exporter::write_one(git_odb* odb, const FileJob& job, IndexRow& row) const
{
  git_odb_object* raw = nullptr;
  if (git_odb_read(&raw, odb, &job.id) != 0) {
    return fail(git::last_error(fmt::format("cannot read the blob of {}", job.path)));
  }
  const git::OdbObjectPtr object(raw);
  if (git_odb_object_type(raw) != GIT_OBJECT_BLOB) {
    return fail(fmt::format("the tree entry {} is not a blob", job.path));
  }
  const util::Fd fd(create_beneath(m_root, job.path, job.executable ? 0755 : 0644));
  if (!fd) {
    return fail(fmt::format("cannot create {} in the snapshot: {}", job.path, errno_text(errno)));
  }
  std::string_view content(static_cast<const char*>(git_odb_object_data(raw)), git_odb_object_size(raw));
  while (!content.empty()) {
    const ssize_t written = ::write(fd.get(), content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(fmt::format("cannot write {} in the snapshot: {}", job.path, errno_text(errno)));
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  if (auto owned = own(fd.get(), job.path); !owned) {
    return owned;
  }
  row.path = job.path;
  row.id = job.id;
  row.mode = job.executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
  if (::fstat(fd.get(), &row.st) != 0) {
    return fail(fmt::format("cannot stat {} in the snapshot: {}", job.path, errno_text(errno)));
  }
  return {};
}

// Writes files taken from `next` until none is left or another thread failed. Each thread reads
// objects through its own odb: libgit2 objects are not shared between threads.
Result<void> Exporter::write_range(const fs::path& objects, std::atomic<std::size_t>& next, std::atomic<bool>& stop,
                                   std::vector<IndexRow>& rows) const
{
  git_odb* odb_raw = nullptr;
  if (git_odb_open(&odb_raw, objects.c_str()) != 0) {
    return fail(git::last_error(fmt::format("cannot open the object database {}", objects.string())));
  }
  const git::OdbPtr odb(odb_raw);
  while (!stop.load(std::memory_order_relaxed)) {
    const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
    if (i >= m_files.size()) {
      break;
    }
    if (auto done = write_one(odb_raw, m_files[i], rows[i]); !done) {
      stop = true;
      return done;
    }
  }
  return {};
}

Result<void> Exporter::write_files(const fs::path& objects)
{
  std::vector<IndexRow> rows(m_files.size());
  std::atomic<std::size_t> next = 0;
  std::atomic<bool> stop = false;
  const unsigned wanted = static_cast<unsigned>(std::min<std::size_t>(m_files.size() / k_files_per_thread + 1, 64));
  const unsigned count = std::clamp(std::min(wanted, std::thread::hardware_concurrency()), 1U, k_max_threads);
  std::vector<Result<void>> results(count);
  {
    std::vector<std::jthread> helpers;
    for (unsigned t = 1; t < count; ++t) {
      helpers.emplace_back([&, t] { results[t] = write_range(objects, next, stop, rows); });
    }
    results[0] = write_range(objects, next, stop, rows);
  }
  for (auto& result : results) {
    if (!result) {
      return result;
    }
  }
  std::move(rows.begin(), rows.end(), std::back_inserter(m_rows));
  return {};
}

Result<void> Exporter::write_index(const fs::path& index_path)
{
  // Index order is byte order of the full path (a malformed tree may list entries out of order).
  std::sort(m_rows.begin(), m_rows.end(), [](const IndexRow& a, const IndexRow& b) { return a.path < b.path; });
  git_index* raw = nullptr;
  if (git_index_open(&raw, index_path.c_str()) != 0) {
    return fail(git::last_error("cannot create the snapshot's index"));
  }
  const git::IndexPtr index(raw);
  for (const auto& row : m_rows) {
    git_index_entry entry{};
    entry.ctime.seconds = static_cast<std::int32_t>(row.st.st_ctim.tv_sec);
    entry.ctime.nanoseconds = static_cast<std::uint32_t>(row.st.st_ctim.tv_nsec);
    entry.mtime.seconds = static_cast<std::int32_t>(row.st.st_mtim.tv_sec);
    entry.mtime.nanoseconds = static_cast<std::uint32_t>(row.st.st_mtim.tv_nsec);
    entry.dev = static_cast<std::uint32_t>(row.st.st_dev);
    entry.ino = static_cast<std::uint32_t>(row.st.st_ino);
    entry.mode = row.mode;
    entry.uid = row.st.st_uid;
    entry.gid = row.st.st_gid;
    entry.file_size = static_cast<std::uint32_t>(row.st.st_size);
    entry.id = row.id;
    entry.path = row.path.c_str();
    if (git_index_add(raw, &entry) != 0) {
      return fail(git::last_error(fmt::format("cannot add {} to the snapshot's index", row.path)));
    }
  }
  if (git_index_write(raw) != 0) {
    return fail(git::last_error("cannot write the snapshot's index"));
  }
  return {};
}

} // namespace

Snapshot::Snapshot(Snapshot&& other) noexcept : m_root(std::exchange(other.m_root, {})), m_commit(other.m_commit) {}

Snapshot& Snapshot::operator=(Snapshot&& other) noexcept
{
  if (this != &other) {
    if (!m_root.empty()) {
      remove_tree(m_root);
    }
    m_root = std::exchange(other.m_root, {});
    m_commit = other.m_commit;
  }
  return *this;
}

Snapshot::~Snapshot()
{
  if (!m_root.empty()) {
    remove_tree(m_root);
  }
}

fs::path Snapshot::release()
{
  return std::exchange(m_root, {});
}

Result<Snapshot> make_snapshot(const git::Repository& repo, const git::Oid& commit, const SnapshotOptions& options)
{
  git_commit* commit_raw = nullptr;
  if (git_commit_lookup(&commit_raw, repo.get(), commit.ptr()) != 0) {
    return fail(git::last_error(fmt::format("cannot read commit {}", commit.short_hex())));
  }
  const git::CommitPtr commit_object(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit_raw) != 0) {
    return fail(git::last_error(fmt::format("cannot read the tree of {}", commit.short_hex())));
  }
  const git::TreePtr tree(tree_raw);

  std::error_code ec;
  fs::path base = options.scratch_base.empty() ? fs::temp_directory_path(ec) : options.scratch_base;
  if (base.empty()) {
    base = "/tmp"; // $TMPDIR names nothing usable
  }
  std::string pattern = (base / "tollgate-snapshot-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return fail(fmt::format("cannot create a snapshot directory in {}: {}", base.string(), errno_text(errno)));
  }
  Snapshot snapshot(fs::path(pattern), commit); // from here on, a failure removes the directory
  const util::Fd root(::open(pattern.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root) {
    return fail(fmt::format("cannot open {}: {}", pattern, errno_text(errno)));
  }
  const gid_t group = options.group.value_or(static_cast<gid_t>(-1));
  if (options.owner && ::fchown(root.get(), *options.owner, group) != 0) {
    return fail(fmt::format("cannot give {} to uid {}: {}", pattern, *options.owner, errno_text(errno)));
  }
  Exporter exporter(repo.get(), root.get(), options);
  const fs::path objects = fs::absolute(fs::path(git_repository_commondir(repo.get())) / "objects").lexically_normal();
  if (auto done = exporter.make_git_dir(commit, objects); !done) {
    return std::unexpected(done.error());
  }
  if (auto done = exporter.make_dirs_and_links(tree_raw, root.get(), "", 0); !done) {
    return std::unexpected(done.error());
  }
  if (auto done = exporter.write_files(objects); !done) {
    return std::unexpected(done.error());
  }
  if (auto done = exporter.write_index(snapshot.git_dir() / "index"); !done) {
    return std::unexpected(done.error());
  }
  if (options.owner && ::fchownat(root.get(), ".git/index", *options.owner, group, AT_SYMLINK_NOFOLLOW) != 0) {
    return fail(fmt::format("cannot give the snapshot's index to uid {}: {}", *options.owner, errno_text(errno)));
  }
  return snapshot;
}

} // namespace tollgate::core
