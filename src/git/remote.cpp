#include "git/remote.hpp"

#include "git/handles.hpp"
#include "git/objects.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::git {

std::string remote_location(const Repository& repo, const std::string& remote)
{
  return remote_url(repo, remote).value_or(remote);
}

Result<std::vector<RemoteRef>> download_refs(const Repository& repo, const std::string& remote,
                                             const std::vector<std::string>& refspecs)
{
  // An anonymous remote on the URL: git_remote_lookup leaks in libgit2 1.5 (see remote_url).
  const std::string url = remote_location(repo, remote);
  if (url == remote && remote.find_first_of("/:") == std::string::npos) {
    return fail(fmt::format("no remote `{}` in this clone (`git remote -v` lists them)", remote));
  }
  git_remote* raw = nullptr;
  if (git_remote_create_anonymous(&raw, repo.get(), url.c_str()) != 0) {
    return fail(last_error(fmt::format("no remote `{}`", remote)));
  }
  const RemotePtr owned(raw);
  if (git_remote_connect(raw, GIT_DIRECTION_FETCH, nullptr, nullptr, nullptr) != 0) {
    return fail(last_error(fmt::format("cannot reach {}", url)));
  }
  std::vector<std::string> specs = refspecs;
  std::vector<char*> pointers;
  for (auto& spec : specs) {
    pointers.push_back(spec.data());
  }
  const git_strarray array{pointers.data(), pointers.size()};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  // Objects only: git_remote_download never runs update_tips, so no ref and no FETCH_HEAD moves.
  if (git_remote_download(raw, &array, &options) != 0) {
    const std::string message = last_error(fmt::format("cannot fetch from {}", url));
    git_remote_disconnect(raw);
    return fail(message);
  }
  const git_remote_head** heads = nullptr;
  std::size_t count = 0;
  if (git_remote_ls(&heads, &count, raw) != 0) {
    const std::string message = last_error(fmt::format("cannot list the refs of {}", url));
    git_remote_disconnect(raw);
    return fail(message);
  }
  std::vector<RemoteRef> refs;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string name = heads[i]->name;
    if (name == "HEAD" || name.ends_with("^{}")) {
      continue;
    }
    refs.push_back(RemoteRef{name, Oid(heads[i]->oid)});
  }
  git_remote_disconnect(raw);
  std::sort(refs.begin(), refs.end(), [](const RemoteRef& a, const RemoteRef& b) { return a.name < b.name; });
  return refs;
}

namespace {

int collect_value(const git_config_entry* entry, void* payload)
{
  static_cast<std::vector<std::string>*>(payload)->emplace_back(entry->value);
  return 0;
}

} // namespace

Result<std::vector<std::string>> fetch_refspecs(const Repository& repo, const std::string& name)
{
  git_config* config_raw = nullptr;
  if (git_repository_config_snapshot(&config_raw, repo.get()) != 0) {
    return fail(last_error("cannot read the git configuration"));
  }
  const ConfigPtr config(config_raw);
  std::vector<std::string> values;
  const std::string key = fmt::format("remote.{}.fetch", name);
  const int error = git_config_get_multivar_foreach(config_raw, key.c_str(), nullptr, &collect_value, &values);
  if (error != 0 && error != GIT_ENOTFOUND) {
    return fail(last_error(fmt::format("cannot read git config {}", key)));
  }
  return values;
}

Result<void> add_fetch_refspec(const Repository& repo, const std::string& name, const std::string& refspec)
{
  if (git_remote_add_fetch(repo.get(), name.c_str(), refspec.c_str()) != 0) {
    return fail(last_error(fmt::format("cannot add the fetch refspec {} to the remote `{}`", refspec, name)));
  }
  return {};
}

} // namespace tollgate::git
