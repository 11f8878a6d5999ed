#include "changelog/versioning.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace tollgate::changelog {

namespace {

bool exists(const std::vector<Version>& existing, const Version& version)
{
  return std::any_of(existing.begin(), existing.end(), [&](const Version& v) { return same_precedence(v, version); });
}

// The highest N of `core-id.N` tags; nullopt when there is none.
std::optional<std::uint64_t> highest_prerelease_number(const std::vector<Version>& existing, const Version& core,
                                                       const std::string& id)
{
  std::optional<std::uint64_t> highest;
  for (const Version& version : existing) {
    if (!same_precedence(version.core(), core) || version.prerelease.size() != 2 || version.prerelease[0] != id) {
      continue;
    }
    const std::string& number = version.prerelease[1];
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec == std::errc() && end == number.data() + number.size()) {
      highest = std::max(highest.value_or(0), value);
    }
  }
  return highest;
}

// The version a prerelease must be above: the last release of its channel, else the last final one.
const std::optional<Version>& floor_of(const VersionInputs& inputs, const Version& next)
{
  return next.is_prerelease() && inputs.channel ? inputs.channel : next.is_prerelease() ? inputs.stable : inputs.latest;
}

Result<NextVersion> exact_version(const VersionInputs& inputs, const Version& exact, std::string_view origin)
{
  const auto& floor = floor_of(inputs, exact);
  if (floor && !precedes(*floor, exact)) {
    return fail(fmt::format("{} {} is not higher than the last release {}", origin, exact.str(), floor->str()));
  }
  if (exists(inputs.existing, exact)) {
    return fail(fmt::format("version {} is released already (its tag exists)", exact.str()));
  }
  return NextVersion{exact, bump_between(inputs.stable, exact)};
}

} // namespace

Bump bump_between(const std::optional<Version>& from, const Version& to)
{
  if (!from) {
    return Bump::major;
  }
  if (to.major != from->major) {
    return Bump::major;
  }
  if (to.minor != from->minor) {
    return Bump::minor;
  }
  return Bump::patch;
}

Result<NextVersion> next_version(const VersionInputs& inputs, const VersionRequest& request, const Settings& settings)
{
  if (request.exact && !request.prerelease.empty()) {
    return fail(fmt::format("--version {} and --prerelease {} cannot be combined: give the whole version (such as "
                            "--version {}-{}.{}) or only --prerelease",
                            request.exact->str(), request.prerelease, request.exact->core().str(), request.prerelease,
                            settings.prerelease_start));
  }
  if (request.exact) {
    return exact_version(inputs, *request.exact, "--version");
  }
  if (request.release_as && request.prerelease.empty()) {
    return exact_version(inputs, *request.release_as, "Release-As:");
  }

  NextVersion next;
  next.bump = inputs.bump;
  if (inputs.stable && inputs.stable->major == 0 && next.bump == Bump::major && settings.bump_minor_pre_major) {
    next.bump = Bump::minor;
  }
  if (inputs.stable) {
    next.version = bumped(*inputs.stable, next.bump);
  } else {
    auto initial = parse_version(settings.initial_version);
    if (!initial) {
      return fail(fmt::format("`initial_version` {} is not a SemVer version", settings.initial_version));
    }
    next.version = initial->core();
  }
  const Version bumped_core = next.version;
  if (request.release_as && precedes(next.version, request.release_as->core())) {
    next.version = request.release_as->core();
  }
  // Prereleases of a higher version already out (`2.0.0-rc.1`): the final release is that version,
  // and the next prerelease of that channel stays on it.
  const std::optional<Version>& ahead = request.prerelease.empty() ? inputs.latest : inputs.channel;
  if (ahead && ahead->is_prerelease() && precedes(next.version, ahead->core())) {
    next.version = ahead->core();
  }
  if (!same_precedence(next.version, bumped_core)) {
    next.bump = bump_between(inputs.stable, next.version);
  }
  if (!request.prerelease.empty()) {
    const Version core = next.version;
    const auto highest = highest_prerelease_number(inputs.existing, core, request.prerelease);
    next.version.prerelease = {request.prerelease, std::to_string(highest ? *highest + 1 : settings.prerelease_start)};
    const bool numeric = request.prerelease.find_first_not_of("0123456789") == std::string::npos;
    if (auto checked = parse_version(next.version.str());
        !checked || numeric || request.prerelease.find('.') != std::string::npos) {
      return fail(fmt::format("--prerelease {}: want one identifier of letters, digits and `-`, such as `rc`",
                              request.prerelease));
    }
  }
  if (exists(inputs.existing, next.version)) {
    return fail(fmt::format("version {} is released already (its tag exists but is not reachable from the "
                            "candidate); give one with --version",
                            next.version.str()));
  }
  if (const auto& floor = floor_of(inputs, next.version); floor && !precedes(*floor, next.version)) {
    return fail(fmt::format("the next version {} would not be above the last release {}; give one with --version",
                            next.version.str(), floor->str()));
  }
  return next;
}

} // namespace tollgate::changelog
