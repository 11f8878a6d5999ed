#pragma once
// One item of `release.version_files:` (docs/configuration.md): a file whose version string the
// release commit sets, understood by its name (pyproject.toml, package.json, package-lock.json,
// Cargo.toml, setup.cfg) or by a regular expression whose one capture group is the version.

#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace tollgate::version_files {

enum class Format { pyproject, package_json, package_lock, cargo, setup_cfg, pattern };

struct Entry {
  std::string path;    // relative to the repository root, `/`-separated
  std::string pattern; // RE2, one capture group; empty: the built-in format `format`
  Format format = Format::pattern;
  std::string origin; // where it was configured, for messages ("tollgate.yaml:7:7")
};

// Validates `path` (relative, no `..`) and `pattern` (compiles, exactly one capture group) and
// picks the format: the pattern when given, else the file's name; an error names what is wrong.
Result<Entry> make_entry(std::string path, std::string pattern, std::string origin);

// The built-in format for a file name ("package.json"), or Format::pattern when there is none.
Format format_for(std::string_view file_name);

// What the format looks for, for messages: "[project] version or [tool.poetry] version".
std::string_view looked_for(Format format);

} // namespace tollgate::version_files
