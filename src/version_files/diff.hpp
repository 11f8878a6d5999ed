#pragma once
// A unified diff (`diff -u` with 3 lines of context) of a version-file edit, what `changelog` and
// `promote --dry-run` show.

#include "version_files/edit.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::version_files {

// `before` and `after` have the same number of lines (an edit never adds or removes one); empty
// when they are equal. Lines keep their bytes (a CRLF file shows its `\r`); a last line without a
// newline is marked `\ No newline at end of file`.
std::string unified_diff(const std::string& path, std::string_view before, std::string_view after);

// The unified diffs of every edit that changes its file, one after the other.
std::string unified_diffs(const std::vector<FileEdit>& edits);

// `[{"path", "from": [old versions], "to", "changed", "diff"}]`, for --json.
nlohmann::json to_json(const std::vector<FileEdit>& edits, std::string_view version);

} // namespace tollgate::version_files
