#pragma once
// The `changelog:` section of tollgate.yaml (docs/changelog.md): how commits map to Keep a
// Changelog sections and how the next version is computed. Plain data; core/config.cpp reads it.

#include "changelog/semver.hpp"

#include <string>
#include <utility>
#include <vector>

namespace tollgate::changelog {

// Which commit types bump the version, and how much (a breaking change always bumps major).
using BumpTable = std::vector<std::pair<std::string, Bump>>;
// semantic-release's and release-please's rules: feat -> minor; fix, perf, revert -> patch.
BumpTable conventional_bumps();
// commitizen's (cz_conventional_commits `bump_map`): feat -> minor; fix, refactor, perf -> patch.
BumpTable commitizen_bumps();

struct Settings {
  // Display. Conventional Commit type -> section title, in priority order; an empty title hides the
  // type (whether it bumps is `bump`'s business).
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
  // Versioning. Type -> bump; a type not listed bumps nothing.
  BumpTable bump = conventional_bumps();
  bool bump_minor_pre_major = false;     // release.bump_minor_pre_major: 0.x breaking -> minor
  std::string initial_version = "0.1.0"; // the first release when no release tag exists
  unsigned prerelease_start = 1;         // release.prerelease_start: the first N of `X.Y.Z-ID.N`
  // release.hide_scopes: scopes (prefix match: `deps` covers `deps-dev`) whose non-bumping commits
  // are left out of the changelog.
  std::vector<std::string> hide_scopes;
  // release.paths / release.exclude_paths (repository-relative): only commits touching a path
  // under `paths` (every path when empty) and not only paths under `exclude_paths` count.
  std::vector<std::string> paths;
  std::vector<std::string> exclude_paths;
  std::string repository; // release.repository: where `(#N)` links point (else `origin`)
};

// The bump of `type` by the table (Bump::none when unlisted).
Bump bump_for_type(const Settings& settings, std::string_view type);

// True when `scope` starts with one of `release.hide_scopes` (case-insensitive).
bool hidden_scope(const Settings& settings, std::string_view scope);

// True when a commit touching `changed` counts under `paths` / `exclude_paths`.
bool touches_paths(const Settings& settings, const std::vector<std::string>& changed);
inline bool filters_paths(const Settings& settings)
{
  return !settings.paths.empty() || !settings.exclude_paths.empty();
}

// The section title for `type`/`scope` (lower case), "" when the commit is not listed.
std::string section_for(const Settings& settings, std::string_view type, std::string_view scope, bool breaking);

// Keep a Changelog's section order; unknown titles sort after them in first-seen order.
int section_rank(const Settings& settings, std::string_view title);

} // namespace tollgate::changelog
