#pragma once
// The release a candidate calls for: its version, the previous release, the rendered CHANGELOG
// section; and the whole history's changelog. This is what `tollgate changelog`, the `changelog`
// check and the promotion call.

#include "changelog/editor.hpp"
#include "changelog/history.hpp"
#include "changelog/render.hpp"
#include "changelog/sections.hpp"
#include "changelog/settings.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tollgate::changelog {

struct PlanOptions {
  std::string tag_prefix = "v";         // release.tag_prefix
  std::string candidate = "HEAD";       // --to
  std::optional<std::string> from;      // --from: a revision instead of the last release
  std::optional<std::string> version;   // --version X (a leading tag prefix is allowed)
  std::string prerelease;               // --prerelease ID
  std::optional<std::string> date;      // YYYY-MM-DD; default: SOURCE_DATE_EPOCH, else today (UTC)
  std::filesystem::path templates_root; // where `.tollgate/templates/changelog/` is looked up
};

struct ReleasePlan {
  std::optional<Version> previous; // the release the section starts from (nullopt: the first)
  std::string previous_tag;        // its tag, or the --from revision as given; "" for the first
  Version next;
  std::string tag; // tag_prefix + next
  Bump bump = Bump::none;
  bool nothing_to_release = false; // no listed change since `previous_tag` (and no --version)
  std::string date;
  std::string section;                       // the rendered `## [1.4.0] - date` section ("" when nothing to release)
  std::optional<std::string> unreleased_url; // compare links from `origin`, when on GitHub/GitLab
  std::optional<std::string> version_url;
  std::string header;          // the header of a new CHANGELOG file
  std::vector<Change> changes; // every commit in range, newest first
  Grouping grouping;           // indices into `changes`

  // The CHANGELOG file's new content: `existing` ("" when absent) with the section inserted under
  // `[Unreleased]`; unchanged when it holds the version already. `file` names it in errors.
  Result<Edit> apply_to_file(std::string_view existing, const std::string& file) const;
};

Result<ReleasePlan> plan_release(const git::Repository& repo, const Settings& settings, const PlanOptions& options);

// The whole history's changelog: header, Unreleased, one section per release tag reachable from
// `options.candidate` (highest first), link references.
Result<std::string> render_history(const git::Repository& repo, const Settings& settings, const PlanOptions& options);

} // namespace tollgate::changelog
