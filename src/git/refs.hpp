#pragma once
// References through libgit2, with compare-and-swap updates. Knows nothing of tollgate.

#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tollgate::git {

struct Ref {
  std::string name;
  Oid target; // a direct reference's target (symbolic references are resolved)
};

// The target of `name`; nullopt when the reference does not exist.
Result<std::optional<Oid>> read_ref(const Repository& repo, const std::string& name);

// Every reference matching `glob` (fnmatch, e.g. `refs/tollgate/approvals/<sha>/*`), sorted by
// name. Symbolic references that do not resolve are left out.
Result<std::vector<Ref>> list_refs(const Repository& repo, const std::string& glob);

// Every direct reference whose name starts with `prefix` (which ends with '/'), sorted by name: the
// same answer as list_refs(prefix + "*"), found by a binary search in a sorted packed-refs file plus
// the loose refs under the prefix, instead of parsing every packed ref (libgit2 1.5 parses the whole
// file, which costs ~20 ms with 20,000 refs). Falls back to list_refs when the file is not sorted.
Result<std::vector<Ref>> list_refs_under(const Repository& repo, const std::string& prefix);

// Points `name` at `target` only if it still holds `expected` (nullopt: only if it does not
// exist yet). Fails, changing nothing, when another writer got there first.
Result<void> update_ref(const Repository& repo, const std::string& name, const Oid& target,
                        const std::optional<Oid>& expected, const std::string& log_message);

// Deletes `name` only if it still points at `expected`.
Result<void> delete_ref(const Repository& repo, const std::string& name, const Oid& expected);

} // namespace tollgate::git
