#pragma once
// The `changelog:` section of tollgate.yaml (docs/changelog.md): how commits map to Keep a
// Changelog sections and how the next version is computed. Plain data; core/config.cpp reads it.

#include <string>
#include <utility>
#include <vector>

namespace tollgate::changelog {

// What a breaking change bumps while the major version is 0.
enum class ZeroMajorBreaking { minor, major };

struct Settings {
  // Conventional Commit type -> section title, in priority order; an empty title hides the type.
  std::vector<std::pair<std::string, std::string>> types = {
      {"feat", "Added"},
      {"fix", "Fixed"},
      {"perf", "Changed"},
      {"refactor", "Changed"},
      {"revert", "Removed"},
      {"deprecate", "Deprecated"},
      {"deprecated", "Deprecated"},
      {"security", "Security"},
  };
  // Scope -> section title; wins over the type (a `fix(security): ...` lands in Security).
  std::vector<std::pair<std::string, std::string>> scopes = {{"security", "Security"}};
  // Where a breaking change of an unmapped type goes (`chore!: drop Python 3.8`).
  std::string breaking_section = "Changed";
  bool include_other = false; // list non-conventional commits
  std::string other_section = "Other";
  bool include_merges = false; // list merge commits (as non-conventional ones)
  bool include_fixups = false; // list fixup!/squash!/amend! commits (as non-conventional ones)
  bool cancel_reverts = true;  // a revert and the commit it reverts, both in range, drop out
  ZeroMajorBreaking zero_major_breaking = ZeroMajorBreaking::minor;
  std::string initial_version = "0.1.0"; // the first release when no release tag exists
};

// The section title for `type`/`scope` (lower case), "" when the commit is not listed.
std::string section_for(const Settings& settings, std::string_view type, std::string_view scope, bool breaking);

// Keep a Changelog's section order; unknown titles sort after them in first-seen order.
int section_rank(const Settings& settings, std::string_view title);

} // namespace tollgate::changelog
