#pragma once
// The next version from the last releases and the bump the commits call for (docs/changelog.md,
// "Versioning rules"). Pure: the history is read elsewhere.

#include "changelog/semver.hpp"
#include "changelog/settings.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tollgate::changelog {

struct VersionInputs {
  std::optional<Version> stable; // the highest final release the candidate descends from
  std::optional<Version> latest; // the same, prereleases of any channel included
  // The highest prerelease of the requested channel (`--prerelease ID`, or an exact prerelease's
  // first identifier) the candidate descends from, when above `stable`.
  std::optional<Version> channel;
  std::vector<Version> existing; // every release tag's version, reachable or not (never reused)
  Bump bump = Bump::none;        // what the commits since `stable` call for
};

struct VersionRequest {
  std::optional<Version> exact;      // --version X
  std::optional<Version> release_as; // a `Release-As: X` footer since `stable` (--version wins)
  std::string prerelease;            // --prerelease ID ("" for a final release)
};

struct NextVersion {
  Version version;
  Bump bump = Bump::none; // as applied (a breaking change bumps minor while 0.x by default)
};

// Fails with a one-line reason: an exact version not above the last release (of its channel, for a
// prerelease), a version whose tag exists already, --version with --prerelease.
// `inputs.bump == none` is the caller's "nothing to release".
Result<NextVersion> next_version(const VersionInputs& inputs, const VersionRequest& request, const Settings& settings);

// The bump between two versions' cores (for an exact version).
Bump bump_between(const std::optional<Version>& from, const Version& to);

} // namespace tollgate::changelog
