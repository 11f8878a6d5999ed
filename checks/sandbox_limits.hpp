#pragma once
// What the `sandbox-limits` check validates, for core to apply (DESIGN.md §7.3): the limits in force
// are the configured ones tightened by the values this check accepts, within its `max:` bounds.

#include "checks/check.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace tollgate::checks {

// Reads a candidate's file by its repository-relative path: nullopt when there is no such file, an
// error value when it cannot be read (a directory, an I/O error).
using FileReader = std::function<Result<std::optional<std::string>>(const std::string& path)>;

// The files of `commit` (its blobs, never the work tree); `repo` must outlive the reader.
FileReader commit_reader(const git::Repository& repo, const git::Oid& commit);

struct SandboxValues {
  bool valid = false;                      // the check would pass
  std::map<std::string, long long> values; // SANDBOX_CPU_SEC / SANDBOX_MEM_MB found and accepted
  std::string source;                      // the file the first value came from
};

// Evaluates the sandbox-limits check `spec` over the files `read` returns.
SandboxValues sandbox_values(const core::CheckSpec& spec, const FileReader& read);

} // namespace tollgate::checks
