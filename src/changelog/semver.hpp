#pragma once
// Semantic Versioning 2.0.0: parsing, precedence exactly as the spec's section 11, bumps.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::changelog {

enum class Bump { none, patch, minor, major };
std::string_view to_string(Bump bump);

struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<std::string> prerelease; // dot-separated identifiers, e.g. {"rc", "1"}
  std::string build;                   // ignored by precedence

  bool is_prerelease() const { return !prerelease.empty(); }
  std::string str() const; // "1.4.0-rc.1+build.5"
  // The same major.minor.patch without prerelease or build.
  Version core() const { return Version{major, minor, patch, {}, {}}; }
};

// A strict SemVer 2.0.0 version (no leading `v`, no leading zeros in numbers); nullopt otherwise.
std::optional<Version> parse_version(std::string_view text);

// Precedence (build metadata ignored): 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0 ...
std::strong_ordering compare(const Version& a, const Version& b);
inline bool precedes(const Version& a, const Version& b)
{
  return compare(a, b) < 0;
}
inline bool same_precedence(const Version& a, const Version& b)
{
  return compare(a, b) == 0;
}

// `version` with its core bumped: major resets minor and patch, minor resets patch; the
// prerelease and build are dropped. Bump::none returns the core unchanged.
Version bumped(const Version& version, Bump bump);

} // namespace tollgate::changelog
