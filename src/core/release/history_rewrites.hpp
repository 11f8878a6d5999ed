#pragma once
// Plain git shows other history than tollgate reads when replace refs or grafts are present
// (libgit2 ignores both): a release judged by one and inspected with the other could differ.
// `promote` and `verify` refuse such a repository (DESIGN.md §7.5).

#include "git/repository.hpp"
#include "util/expected.hpp"

namespace tollgate::core {

// Fails, naming up to five `refs/replace/*` refs ("and N more") and/or the `info/grafts` file, when
// `repo` has any of them.
Result<void> refuse_history_rewrites(const git::Repository& repo);

} // namespace tollgate::core
