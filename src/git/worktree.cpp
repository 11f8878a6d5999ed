#include "git/worktree.hpp"

#include "git/handles.hpp"
#include "git/objects.hpp"
#include "util/fd.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace tollgate::git {

Result<std::vector<std::string>> uncommitted_changes(const Repository& repo)
{
  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* raw = nullptr;
  if (git_status_list_new(&raw, repo.get(), &options) != 0) {
    return fail(last_error("cannot read the work tree's status"));
  }
  const StatusListPtr list(raw);
  std::vector<std::string> paths;
  const std::size_t count = git_status_list_entrycount(raw);
  for (std::size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(raw, i);
    if (entry->status == GIT_STATUS_CURRENT || (entry->status & (GIT_STATUS_WT_NEW | GIT_STATUS_IGNORED)) != 0) {
      continue;
    }
    const git_diff_delta* delta = entry->index_to_workdir != nullptr ? entry->index_to_workdir : entry->head_to_index;
    if (delta != nullptr && delta->new_file.path != nullptr) {
      paths.emplace_back(delta->new_file.path);
    }
  }
  return paths;
}

Result<std::optional<std::string>> current_branch(const Repository& repo)
{
  const int detached = git_repository_head_detached(repo.get());
  if (detached == 1) {
    return std::optional<std::string>();
  }
  git_reference* head_raw = nullptr;
  if (git_reference_lookup(&head_raw, repo.get(), "HEAD") != 0) {
    return fail(last_error("cannot read HEAD"));
  }
  const ReferencePtr head(head_raw);
  const char* target = git_reference_symbolic_target(head_raw);
  if (target == nullptr) {
    return std::optional<std::string>();
  }
  std::string name = target;
  if (name.starts_with("refs/heads/")) {
    name.erase(0, 11);
  }
  return std::optional<std::string>(std::move(name));
}

namespace {

Result<TreePtr> tree_of_commit(const Repository& repo, const git_oid* id)
{
  git_commit* commit_raw = nullptr;
  if (git_commit_lookup(&commit_raw, repo.get(), id) != 0) {
    return fail(last_error(fmt::format("cannot read commit {}", Oid(*id).short_hex())));
  }
  const CommitPtr commit(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit_raw) != 0) {
    return fail(last_error(fmt::format("cannot read the tree of {}", Oid(*id).short_hex())));
  }
  return TreePtr(tree_raw);
}

bool regular_file(const git_diff_file& file)
{
  return file.mode == 0 || file.mode == GIT_FILEMODE_BLOB || file.mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// Writes `content` to `path` through a scratch file beside it, renamed into place: a full disk or a
// crash leaves the old file whole.
Result<void> replace_file(const std::filesystem::path& path, std::string_view content, bool executable)
{
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const std::string scratch = path.string() + fmt::format(".tollgate-{}", ::getpid());
  ::unlink(scratch.c_str());
  int error = 0;
  bool ok = false;
  {
    const util::Fd fd(
        ::open(scratch.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, executable ? 0755 : 0644));
    ok = static_cast<bool>(fd);
    while (ok && !content.empty()) {
      const ssize_t n = ::write(fd.get(), content.data(), content.size());
      ok = n > 0 || (n < 0 && errno == EINTR);
      content.remove_prefix(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    ok = ok && ::fsync(fd.get()) == 0;
    error = errno;
  }
  if (!ok || ::rename(scratch.c_str(), path.c_str()) != 0) {
    const int reason = ok ? errno : error;
    ::unlink(scratch.c_str());
    return fail(fmt::format("cannot write {}: {}", path.string(), std::strerror(reason)));
  }
  return {};
}

// What the work tree holds at `path` as a blob id (checkout filters applied); nullopt when absent.
Result<std::optional<Oid>> work_tree_blob(const Repository& repo, const std::string& path)
{
  const std::filesystem::path full = repo.work_dir() / path;
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(full, ec))) {
    return std::optional<Oid>();
  }
  git_oid id;
  if (git_repository_hashfile(&id, repo.get(), full.c_str(), GIT_OBJECT_BLOB, path.c_str()) != 0) {
    return fail(last_error(fmt::format("cannot read {}", full.string())));
  }
  return std::optional<Oid>(Oid(id));
}

// Brings one changed regular file from the diff's old side to its new side.
Result<void> update_file(const Repository& repo, git_index* index, const git_diff_delta& delta)
{
  const bool removed = delta.status == GIT_DELTA_DELETED;
  const std::string path = removed ? delta.old_file.path : delta.new_file.path;
  auto current = work_tree_blob(repo, path);
  if (!current) {
    return std::unexpected(current.error());
  }
  const Oid wanted(delta.new_file.id);
  const bool has_old = delta.status != GIT_DELTA_ADDED;
  if (!(removed ? !*current : *current && **current == wanted)) {
    if (*current ? !has_old || **current != Oid(delta.old_file.id) : has_old) {
      return fail(fmt::format("{} has local changes: left as it is (bring it to HEAD by hand)", path));
    }
    const std::filesystem::path full = repo.work_dir() / path;
    if (removed) {
      if (::unlink(full.c_str()) != 0 && errno != ENOENT) {
        return fail(fmt::format("cannot remove {}: {}", full.string(), std::strerror(errno)));
      }
    } else {
      git_blob* blob_raw = nullptr;
      if (git_blob_lookup(&blob_raw, repo.get(), &delta.new_file.id) != 0) {
        return fail(last_error(fmt::format("cannot read the blob of {}", path)));
      }
      const BlobPtr blob(blob_raw);
      git_buf filtered = GIT_BUF_INIT;
      git_blob_filter_options options = GIT_BLOB_FILTER_OPTIONS_INIT;
      if (git_blob_filter(&filtered, blob_raw, path.c_str(), &options) != 0) {
        git_buf_dispose(&filtered);
        return fail(last_error(fmt::format("cannot filter {}", path)));
      }
      auto written = replace_file(full, std::string_view(filtered.ptr, filtered.size),
                                  delta.new_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE);
      git_buf_dispose(&filtered);
      if (!written) {
        return written;
      }
    }
  }
  const int updated =
      removed ? git_index_remove_bypath(index, path.c_str()) : git_index_add_bypath(index, path.c_str());
  if (updated != 0) {
    return fail(last_error(fmt::format("cannot update the index entry of {}", path)));
  }
  return {};
}

// libgit2's own safe checkout, for trees with changes other than regular files.
Result<void> libgit2_checkout(const Repository& repo, git_tree* baseline)
{
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_SAFE;
  options.baseline = baseline; // what the work tree held: HEAD has already moved
  if (git_checkout_head(repo.get(), &options) != 0) {
    return fail(last_error("cannot update the work tree"));
  }
  return {};
}

} // namespace

Result<void> checkout_head(const Repository& repo, const Oid& previous)
{
  auto old_tree = tree_of_commit(repo, previous.ptr());
  auto head = resolve_commit(repo, "HEAD");
  if (!old_tree || !head) {
    return fail(!old_tree ? old_tree.error().message : head.error().message);
  }
  auto new_tree = tree_of_commit(repo, head->ptr());
  if (!new_tree) {
    return std::unexpected(new_tree.error());
  }
  git_diff* diff_raw = nullptr;
  if (git_diff_tree_to_tree(&diff_raw, repo.get(), old_tree->get(), new_tree->get(), nullptr) != 0) {
    return fail(last_error("cannot compare the trees"));
  }
  const DiffPtr diff(diff_raw);
  const std::size_t count = git_diff_num_deltas(diff_raw);
  for (std::size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff_raw, i);
    if (!regular_file(delta->old_file) || !regular_file(delta->new_file)) {
      return libgit2_checkout(repo, old_tree->get());
    }
  }
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, repo.get()) != 0) {
    return fail(last_error("cannot read the index"));
  }
  const IndexPtr index(index_raw);
  for (std::size_t i = 0; i < count; ++i) {
    if (auto updated = update_file(repo, index_raw, *git_diff_get_delta(diff_raw, i)); !updated) {
      return updated;
    }
  }
  if (git_index_write(index_raw) != 0) {
    return fail(last_error("cannot write the index"));
  }
  return {};
}

Result<void> checkout_detached(const Repository& repo, const Oid& commit)
{
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo.get(), commit.ptr(), GIT_OBJECT_COMMIT) != 0) {
    return fail(last_error(fmt::format("cannot read commit {}", commit.short_hex())));
  }
  const ObjectPtr object(raw);
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_SAFE;
  if (git_checkout_tree(repo.get(), raw, &options) != 0) {
    return fail(last_error(fmt::format("cannot check out {}", commit.short_hex())));
  }
  if (git_repository_set_head_detached(repo.get(), commit.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot detach HEAD at {}", commit.short_hex())));
  }
  return {};
}

Result<void> export_tree(const Repository& repo, const Oid& commit, const std::filesystem::path& directory)
{
  std::error_code ec;
  if (std::filesystem::exists(directory, ec) && !std::filesystem::is_empty(directory, ec)) {
    return fail(fmt::format("{} exists and is not empty", directory.string()));
  }
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return fail(fmt::format("cannot create {}: {}", directory.string(), ec.message()));
  }
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo.get(), commit.ptr(), GIT_OBJECT_COMMIT) != 0) {
    return fail(last_error(fmt::format("cannot read commit {}", commit.short_hex())));
  }
  const ObjectPtr object(raw);
  const std::string target = directory.string();
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
  options.target_directory = target.c_str();
  if (git_checkout_tree(repo.get(), raw, &options) != 0) {
    return fail(last_error(fmt::format("cannot write {} into {}", commit.short_hex(), target)));
  }
  return {};
}

namespace {

// libgit2 reports refs the remote refused through this callback, not through the return value.
int collect_rejection(const char* refname, const char* status, void* payload)
{
  if (status != nullptr) {
    static_cast<std::vector<std::string>*>(payload)->push_back(fmt::format("{} ({})", refname, status));
  }
  return 0;
}

} // namespace

Result<void> push(const Repository& repo, const std::string& remote, const std::vector<std::string>& refspecs)
{
  // A named remote's URL from the config (git_remote_lookup leaks in libgit2 1.5), else a URL.
  const std::string url = remote_url(repo, remote).value_or(remote);
  git_remote* raw = nullptr;
  if (git_remote_create_anonymous(&raw, repo.get(), url.c_str()) != 0) {
    return fail(last_error(fmt::format("no remote `{}`", remote)));
  }
  const RemotePtr owned(raw);
  std::vector<std::string> specs = refspecs;
  std::vector<char*> pointers;
  for (auto& spec : specs) {
    pointers.push_back(spec.data());
  }
  const git_strarray array{pointers.data(), pointers.size()};
  std::vector<std::string> rejected;
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  options.callbacks.push_update_reference = &collect_rejection;
  options.callbacks.payload = &rejected;
  if (git_remote_push(raw, &array, &options) != 0) {
    return fail(last_error(fmt::format("pushing to {} failed", remote)));
  }
  if (!rejected.empty()) {
    return fail(fmt::format("{} refused {}", remote, fmt::join(rejected, ", ")));
  }
  return {};
}

} // namespace tollgate::git
