#include "git/repository.hpp"

#include <fmt/format.h>

#include <fstream>

namespace tollgate::git {

Library::Library()
{
  git_libgit2_init();
}
Library::~Library()
{
  git_libgit2_shutdown();
}

void ensure_initialised()
{
  static const Library k_library;
}

std::jthread load_in_background()
{
  return lib::load_in_background(ensure_initialised);
}

namespace {

// `dir` holds a repository's own files and its config says `bare = true` (the `.git` directory of
// a work tree says false, and is found from the work tree instead).
bool is_bare_repository(const std::filesystem::path& dir)
{
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(dir / "HEAD", ec) || !fs::is_directory(dir / "objects", ec) ||
      !fs::is_directory(dir / "refs", ec)) {
    return false;
  }
  std::ifstream config(dir / "config");
  for (std::string line; std::getline(config, line);) {
    std::erase_if(line, [](char c) { return c == ' ' || c == '\t'; });
    if (line == "bare=true") {
      return true;
    }
  }
  return false;
}

} // namespace

Result<Location> locate(const std::filesystem::path& start)
{
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) {
    return fail(fmt::format("{}: {}", start.string(), ec.message()));
  }
  if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) {
    dir = dir.parent_path();
  }
  for (;;) {
    const fs::path dot_git = dir / ".git";
    if (fs::is_directory(dot_git, ec) && fs::exists(dot_git / "HEAD", ec)) {
      return Location{dir, dot_git};
    }
    if (fs::is_regular_file(dot_git, ec)) {
      std::ifstream in(dot_git);
      std::string line;
      std::getline(in, line);
      if (line.starts_with("gitdir: ")) {
        fs::path target = line.substr(8);
        if (target.is_relative()) {
          target = dir / target;
        }
        return Location{dir, target.lexically_normal()};
      }
    }
    if (is_bare_repository(dir)) {
      return Location{{}, dir};
    }
    if (dir == dir.root_path() || !dir.has_parent_path()) {
      break;
    }
    dir = dir.parent_path();
  }
  return fail(fmt::format("{} is not inside a git repository", start.string()));
}

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
  ensure_initialised();
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
  ensure_initialised();
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

std::filesystem::path Repository::git_dir() const
{
  return git_repository_path(m_repo.get());
}

std::filesystem::path Repository::common_dir() const
{
  return git_repository_commondir(m_repo.get());
}

bool Repository::is_shallow() const
{
  return git_repository_is_shallow(m_repo.get()) == 1;
}

std::string libgit2_version()
{
  int major = 0;
  int minor = 0;
  int rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  return fmt::format("{}.{}.{}", major, minor, rev);
}

} // namespace tollgate::git
