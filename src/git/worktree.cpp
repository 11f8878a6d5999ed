#include "git/worktree.hpp"

#include "git/handles.hpp"
#include "git/objects.hpp"

#include <fmt/format.h>

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

Result<void> checkout_head(const Repository& repo, const Oid& previous)
{
  git_commit* commit_raw = nullptr;
  if (git_commit_lookup(&commit_raw, repo.get(), previous.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot read commit {}", previous.short_hex())));
  }
  const CommitPtr commit(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit_raw) != 0) {
    return fail(last_error(fmt::format("cannot read the tree of {}", previous.short_hex())));
  }
  const TreePtr tree(tree_raw);
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_SAFE;
  options.baseline = tree_raw; // what the work tree held: HEAD has already moved
  if (git_checkout_head(repo.get(), &options) != 0) {
    return fail(last_error("cannot update the work tree"));
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
