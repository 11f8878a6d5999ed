#include "git/revwalk.hpp"

#include <fmt/format.h>

namespace tollgate::git {

Result<Revwalk> Revwalk::create(const Repository& repo, unsigned sorting)
{
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo.get()) != 0) {
    return fail(last_error("cannot walk the history"));
  }
  Revwalk walk(raw);
  if (git_revwalk_sorting(raw, sorting) != 0) {
    return fail(last_error("cannot walk the history"));
  }
  return walk;
}

Result<void> Revwalk::push(const Oid& commit)
{
  if (git_revwalk_push(m_walk.get(), commit.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot walk from {}", commit.short_hex())));
  }
  return {};
}

Result<void> Revwalk::hide(const Oid& commit)
{
  if (git_revwalk_hide(m_walk.get(), commit.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot exclude {} from the walk", commit.short_hex())));
  }
  return {};
}

void Revwalk::first_parent_only()
{
  git_revwalk_simplify_first_parent(m_walk.get());
}

std::optional<Oid> Revwalk::next()
{
  git_oid id{};
  const int error = git_revwalk_next(&id, m_walk.get());
  if (error == 0) {
    return Oid(id);
  }
  if (error != GIT_ITEROVER) {
    m_error = Error{last_error("cannot walk the history")};
  }
  return std::nullopt;
}

} // namespace tollgate::git
