#include "git/repository.hpp"

#include <fmt/format.h>

namespace tollgate::git {

Library::Library() { git_libgit2_init(); }
Library::~Library() { git_libgit2_shutdown(); }

std::string last_error(std::string_view what)
{
  const git_error* error = git_error_last();
  if (error == nullptr || error->message == nullptr) {
    return std::string(what);
  }
  return fmt::format("{}: {}", what, error->message);
}

Result<Repository> Repository::discover(const std::filesystem::path& path)
{
  git_buf found = GIT_BUF_INIT;
  if (git_repository_discover(&found, path.c_str(), 0, nullptr) != 0) {
    git_buf_dispose(&found);
    return fail(fmt::format("{} is not inside a git repository", path.string()));
  }
  const std::string git_dir(found.ptr, found.size);
  git_buf_dispose(&found);
  return open(git_dir);
}

Result<Repository> Repository::open(const std::filesystem::path& path)
{
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, path.c_str()) != 0) {
    return fail(last_error(fmt::format("cannot open the repository at {}", path.string())));
  }
  return Repository(repo);
}

std::filesystem::path Repository::work_dir() const
{
  const char* dir = git_repository_workdir(m_repo.get());
  return dir == nullptr ? std::filesystem::path() : std::filesystem::path(dir);
}

std::filesystem::path Repository::git_dir() const { return git_repository_path(m_repo.get()); }

std::string libgit2_version()
{
  int major = 0;
  int minor = 0;
  int rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  return fmt::format("{}.{}.{}", major, minor, rev);
}

} // namespace tollgate::git
