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

// The N of `core-id.N` tags; 0 when there is none.
std::uint64_t highest_prerelease_number(const std::vector<Version>& existing, const Version& core,
                                        const std::string& id)
{
  std::uint64_t highest = 0;
  for (const Version& version : existing) {
    if (!same_precedence(version.core(), core) || version.prerelease.size() != 2 || version.prerelease[0] != id) {
      continue;
    }
    const std::string& number = version.prerelease[1];
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec == std::errc() && end == number.data() + number.size()) {
      highest = std::max(highest, value);
    }
  }
  return highest;
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
  if (request.exact) {
    const Version& exact = *request.exact;
    if (inputs.latest && !precedes(*inputs.latest, exact)) {
      return fail(
          fmt::format("--version {} is not higher than the last release {}", exact.str(), inputs.latest->str()));
    }
    if (exists(inputs.existing, exact)) {
      return fail(fmt::format("version {} is released already (its tag exists)", exact.str()));
    }
    return NextVersion{exact, bump_between(inputs.stable, exact)};
  }

  NextVersion next;
  next.bump = inputs.bump;
  if (inputs.stable && inputs.stable->major == 0 && next.bump == Bump::major &&
      settings.zero_major_breaking == ZeroMajorBreaking::minor) {
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
  // Prereleases of a higher version already out (`2.0.0-rc.1`): the final release is that version.
  if (inputs.latest && inputs.latest->is_prerelease() && precedes(next.version, inputs.latest->core())) {
    next.version = inputs.latest->core();
    next.bump = bump_between(inputs.stable, next.version);
  }
  if (!request.prerelease.empty()) {
    const Version core = next.version;
    next.version.prerelease = {
        request.prerelease, std::to_string(highest_prerelease_number(inputs.existing, core, request.prerelease) + 1)};
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
  if (inputs.latest && !precedes(*inputs.latest, next.version)) {
    return fail(fmt::format("the next version {} would not be above the last release {}; give one with --version",
                            next.version.str(), inputs.latest->str()));
  }
  return next;
}

} // namespace tollgate::changelog
