#pragma once
// Where a version file writes its version: the byte spans of the version string, found without
// re-serialising anything, so that an edit splices the new version in and keeps every other byte.

#include "util/expected.hpp"
#include "version_files/entry.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::version_files {

struct Span {
  std::size_t offset = 0; // of the version's first byte (inside the quotes)
  std::size_t length = 0;
  std::string what; // "[project] version", "packages[\"\"].version", "line 3"
};

// 1-based line and byte column of `offset` in `text`.
struct Position {
  int line = 1;
  int column = 1;
};
Position position_of(std::string_view text, std::size_t offset);

// Every place `entry`'s file (content `text`) writes its version, in file order: one, or two for a
// package-lock.json (its top-level "version" and packages[""].version) or a pyproject.toml with
// both [project] and [tool.poetry]. An error — no version, the same one twice, a dynamic or
// inherited version, a value that is no plain string, a file that does not parse — starts with
// `path:line:col` when it has a place in the file, else with `entry.origin` and the path.
Result<std::vector<Span>> locate(const Entry& entry, std::string_view text);

} // namespace tollgate::version_files
