#include "git/refs.hpp"

#include "git/handles.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::git {

Result<std::optional<Oid>> read_ref(const Repository& repo, const std::string& name)
{
  git_oid id{};
  const int error = git_reference_name_to_id(&id, repo.get(), name.c_str());
  if (error == GIT_ENOTFOUND) {
    return std::optional<Oid>();
  }
  if (error != 0) {
    return fail(last_error(fmt::format("cannot read {}", name)));
  }
  return std::optional<Oid>(Oid(id));
}

Result<std::vector<Ref>> list_refs(const Repository& repo, const std::string& glob)
{
  git_reference_iterator* iterator_raw = nullptr;
  if (git_reference_iterator_glob_new(&iterator_raw, repo.get(), glob.c_str()) != 0) {
    return fail(last_error(fmt::format("cannot list {}", glob)));
  }
  const ReferenceIteratorPtr iterator(iterator_raw);
  std::vector<Ref> refs;
  for (;;) {
    git_reference* ref_raw = nullptr;
    const int error = git_reference_next(&ref_raw, iterator_raw);
    if (error == GIT_ITEROVER) {
      break;
    }
    if (error != 0) {
      return fail(last_error(fmt::format("cannot list {}", glob)));
    }
    const ReferencePtr ref(ref_raw);
    if (git_reference_type(ref_raw) == GIT_REFERENCE_DIRECT) {
      refs.push_back(Ref{git_reference_name(ref_raw), Oid(*git_reference_target(ref_raw))});
      continue;
    }
    git_reference* resolved_raw = nullptr;
    if (git_reference_resolve(&resolved_raw, ref_raw) == 0) {
      const ReferencePtr resolved(resolved_raw);
      refs.push_back(Ref{git_reference_name(ref_raw), Oid(*git_reference_target(resolved_raw))});
    }
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
  return refs;
}

Result<void> update_ref(const Repository& repo, const std::string& name, const Oid& target,
                        const std::optional<Oid>& expected, const std::string& log_message)
{
  git_reference* ref_raw = nullptr;
  int error = 0;
  if (expected) {
    error = git_reference_create_matching(&ref_raw, repo.get(), name.c_str(), target.ptr(), 1, expected->ptr(),
                                          log_message.c_str());
  } else {
    error = git_reference_create(&ref_raw, repo.get(), name.c_str(), target.ptr(), 0, log_message.c_str());
  }
  const ReferencePtr ref(ref_raw);
  if (error == GIT_EMODIFIED || error == GIT_EEXISTS) {
    return fail(fmt::format("{} was changed by someone else meanwhile (expected {}); nothing was updated", name,
                            expected ? expected->short_hex() : std::string("no reference")));
  }
  if (error == GIT_ELOCKED) {
    return fail(fmt::format("{} is locked by another writer; nothing was updated", name));
  }
  if (error != 0) {
    return fail(last_error(fmt::format("cannot update {}", name)));
  }
  return {};
}

Result<void> delete_ref(const Repository& repo, const std::string& name, const Oid& expected)
{
  git_reference* ref_raw = nullptr;
  if (git_reference_lookup(&ref_raw, repo.get(), name.c_str()) != 0) {
    return fail(fmt::format("{} does not exist", name));
  }
  const ReferencePtr ref(ref_raw);
  if (git_reference_type(ref_raw) != GIT_REFERENCE_DIRECT || Oid(*git_reference_target(ref_raw)) != expected) {
    return fail(fmt::format("{} was changed by someone else meanwhile; nothing was deleted", name));
  }
  if (git_reference_delete(ref_raw) != 0) {
    return fail(last_error(fmt::format("cannot delete {}", name)));
  }
  return {};
}

} // namespace tollgate::git
