#pragma once
// Rendering changelog sections through mustache templates: the built-in ones in
// templates/changelog/, or a repository's own in `.tollgate/templates/changelog/` (same names).
// Variables are documented in docs/changelog.md.

#include "changelog/links.hpp"
#include "changelog/sections.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace tollgate::changelog {

struct Templates {
  std::string header;  // header.mustache: the start of a new CHANGELOG file
  std::string section; // section.mustache: one release (or the Unreleased section)
  std::string origin;  // where `section` came from, for error messages
};

// The built-in templates, each replaced by `<work_dir>/.tollgate/templates/changelog/<name>` when
// that file exists (`work_dir` empty: built-in only). Fails when an override cannot be read or does
// not parse.
Result<Templates> load_templates(const std::filesystem::path& work_dir);

struct SectionData {
  bool unreleased = false;
  std::string version; // "1.4.0"
  std::string tag;     // "v1.4.0"
  std::string previous_tag;
  std::string date; // "2026-11-25"
  std::string compare_url;
  std::optional<Forge> issue_forge;   // where `(#N)` in subjects links to; plain text when absent
  const Grouping* grouping = nullptr; // its indices point into `changes`
  const std::vector<Change>* changes = nullptr;
};

Result<std::string> render_section(const Templates& templates, const SectionData& data);
Result<std::string> render_header(const Templates& templates);

// "YYYY-MM-DD" of `seconds` since the epoch, in UTC.
std::string iso_date(std::int64_t seconds);

} // namespace tollgate::changelog
