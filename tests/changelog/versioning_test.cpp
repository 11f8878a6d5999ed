#include "changelog/links.hpp"
#include "changelog/versioning.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::changelog;

namespace {

Version v(const char* text)
{
  auto version = parse_version(text);
  REQUIRE(version.has_value());
  return *version;
}

VersionInputs inputs(std::optional<Version> stable, std::optional<Version> latest, Bump bump)
{
  VersionInputs in;
  in.stable = stable;
  in.latest = latest;
  in.bump = bump;
  if (stable) {
    in.existing.push_back(*stable);
  }
  if (latest) {
    in.existing.push_back(*latest);
  }
  return in;
}

std::string next(const VersionInputs& in, const VersionRequest& request = {}, const Settings& settings = {})
{
  auto result = next_version(in, request, settings);
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result.has_value());
  return result->version.str();
}

} // namespace

TEST_CASE("changelog versioning: breaking -> major, feat -> minor, other -> patch", "[semver][versioning]")
{
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::major)) == "2.0.0");
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::minor)) == "1.4.0");
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::patch)) == "1.3.3");
}

TEST_CASE("changelog versioning: a breaking change bumps minor while 0.x unless configured", "[semver][versioning]")
{
  CHECK(next(inputs(v("0.3.2"), v("0.3.2"), Bump::major)) == "0.4.0");
  Settings settings;
  settings.zero_major_breaking = ZeroMajorBreaking::major;
  CHECK(next(inputs(v("0.3.2"), v("0.3.2"), Bump::major), {}, settings) == "1.0.0");
}

TEST_CASE("changelog versioning: the first release is initial_version", "[semver][versioning]")
{
  CHECK(next(inputs(std::nullopt, std::nullopt, Bump::patch)) == "0.1.0");
  Settings settings;
  settings.initial_version = "1.0.0";
  CHECK(next(inputs(std::nullopt, std::nullopt, Bump::major), {}, settings) == "1.0.0");
}

TEST_CASE("changelog versioning: prereleases count up, the final release follows them", "[semver][versioning]")
{
  VersionRequest rc;
  rc.prerelease = "rc";
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::minor), rc) == "1.4.0-rc.1");
  VersionInputs after_rc1 = inputs(v("1.3.2"), v("1.4.0-rc.1"), Bump::minor);
  CHECK(next(after_rc1, rc) == "1.4.0-rc.2");
  after_rc1.existing.push_back(v("1.4.0-rc.2")); // on another branch: still never reused
  CHECK(next(after_rc1, rc) == "1.4.0-rc.3");
  CHECK(next(after_rc1) == "1.4.0");
  // Only fixes since the rc of a minor release: the final is still that minor release.
  CHECK(next(inputs(v("1.3.2"), v("1.4.0-rc.1"), Bump::patch)) == "1.4.0");
  VersionRequest beta;
  beta.prerelease = "alpha";
  CHECK_FALSE(next_version(inputs(v("1.3.2"), v("1.4.0-rc.1"), Bump::minor), beta, {}).has_value());
  VersionRequest dotted;
  dotted.prerelease = "rc.x";
  CHECK_FALSE(next_version(inputs(v("1.3.2"), v("1.3.2"), Bump::minor), dotted, {}).has_value());
}

TEST_CASE("changelog versioning: --version must be higher and new", "[semver][versioning]")
{
  VersionRequest request;
  request.exact = v("1.3.2");
  auto same = next_version(inputs(v("1.3.2"), v("1.3.2"), Bump::minor), request, {});
  REQUIRE_FALSE(same.has_value());
  CHECK(same.error().message == "--version 1.3.2 is not higher than the last release 1.3.2");
  request.exact = v("3.0.0");
  VersionInputs in = inputs(v("1.3.2"), v("1.3.2"), Bump::patch);
  CHECK(next(in, request) == "3.0.0");
  in.existing.push_back(v("3.0.0"));
  CHECK_FALSE(next_version(in, request, {}).has_value());
}

TEST_CASE("changelog versioning: an existing tag is never reused", "[semver][versioning]")
{
  VersionInputs in = inputs(v("1.3.2"), v("1.3.2"), Bump::minor);
  in.existing.push_back(v("1.4.0")); // released from another branch
  auto result = next_version(in, {}, {});
  REQUIRE_FALSE(result.has_value());
  CHECK_THAT(result.error().message, Catch::Contains("1.4.0 is released already"));
}

TEST_CASE("changelog links: GitHub and GitLab remotes in every form, nothing for others", "[changelog][links]")
{
  const std::string url =
      GENERATE(as<std::string>{}, "https://github.com/o/r.git", "https://github.com/o/r", "git@github.com:o/r.git",
               "ssh://git@github.com/o/r.git", "https://user@github.com/o/r/");
  INFO(url);
  const auto forge = forge_from_remote(url);
  REQUIRE(forge.has_value());
  CHECK(compare_url(*forge, "v1.0.0", "v1.1.0") == "https://github.com/o/r/compare/v1.0.0...v1.1.0");
  CHECK(tag_url(*forge, "v1.0.0") == "https://github.com/o/r/releases/tag/v1.0.0");

  const auto gitlab = forge_from_remote("git@gitlab.com:group/sub/r.git");
  REQUIRE(gitlab.has_value());
  CHECK(compare_url(*gitlab, "v1", "v2") == "https://gitlab.com/group/sub/r/-/compare/v1...v2");
  CHECK(tag_url(*gitlab, "v2") == "https://gitlab.com/group/sub/r/-/tags/v2");
  CHECK(forge_from_remote("ssh://git@gitlab.corp:2222/g/r.git")->base == "https://gitlab.corp/g/r");

  for (const char* other : {"https://example.org/o/r.git", "/srv/git/r.git", "file:///srv/r.git", "../r",
                            "https://github.com/onlyowner", "git@bitbucket.org:o/r.git"}) {
    INFO(other);
    CHECK_FALSE(forge_from_remote(other).has_value());
  }
}
