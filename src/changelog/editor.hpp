#pragma once
// Keep a Changelog 1.1 editing: a new release section goes in under `## [Unreleased]`, the
// hand-written Unreleased entries move into it, link references are updated, and every other byte
// of the file stays as it was. Idempotent: a file that already has the version is returned as is.

#include "util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::changelog {

struct Insertion {
  std::string version;                       // "1.4.0": a heading `## [1.4.0]` or `## 1.4.0` means done
  std::string tag;                           // "v1.4.0": also recognised as the heading's key
  std::string section;                       // the rendered `## [1.4.0] - 2026-11-25` section
  std::string header;                        // the file's start when there is no file yet
  std::optional<std::string> unreleased_url; // `[Unreleased]: <url>`; no link edits when absent
  std::optional<std::string> version_url;    // `[1.4.0]: <url>`
};

struct Edit {
  std::string text;
  bool changed = false; // false: the version was there already
};

// `existing` is the file's content ("" when absent); `file` names it in errors.
Result<Edit> insert_release(std::string_view existing, const Insertion& insertion, const std::string& file);

// One `## ` release heading of a Keep a Changelog file.
struct Heading {
  std::size_t line = 0; // 0-based
  std::string key;      // `Unreleased`, `1.4.0` (the bracketed text, or the first word)
};

// The `## ` headings outside fenced code blocks.
std::vector<Heading> release_headings(std::string_view text);

} // namespace tollgate::changelog
