#pragma once
// A walk over commit history (libgit2 revwalk). Knows nothing of tollgate.

#include "git/handles.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <optional>

namespace tollgate::git {

class Revwalk {
public:
  // `sorting`: GIT_SORT_* flags (GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME gives git log's order).
  static Result<Revwalk> create(const Repository& repo, unsigned sorting = GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);

  Result<void> push(const Oid& commit);
  // Leaves out `commit` and its ancestors.
  Result<void> hide(const Oid& commit);
  void first_parent_only();
  // The next commit, nullopt at the end (or on an error, which `error()` then reports).
  std::optional<Oid> next();
  const std::optional<Error>& error() const { return m_error; }

private:
  explicit Revwalk(git_revwalk* walk) : m_walk(walk) {}
  RevwalkPtr m_walk;
  std::optional<Error> m_error;
};

} // namespace tollgate::git
