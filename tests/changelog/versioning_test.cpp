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

TEST_CASE("changelog versioning: a breaking change on 0.x makes 1.0.0 unless bump_minor_pre_major",
          "[semver][versioning]")
{
  CHECK(next(inputs(v("0.3.2"), v("0.3.2"), Bump::major)) == "1.0.0");
  Settings settings;
  settings.bump_minor_pre_major = true;
  CHECK(next(inputs(v("0.3.2"), v("0.3.2"), Bump::major), {}, settings) == "0.4.0");
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::major), {}, settings) == "2.0.0");
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
  VersionRequest dotted;
  dotted.prerelease = "rc.x";
  CHECK_FALSE(next_version(inputs(v("1.3.2"), v("1.3.2"), Bump::minor), dotted, {}).has_value());
}

TEST_CASE("changelog versioning: prerelease channels", "[semver][versioning]")
{
  // After 25.0.0-beta.3, an alpha of the same line: 25.0.0-alpha.1, not "not above the beta".
  VersionInputs in = inputs(v("24.3.0"), v("25.0.0-beta.3"), Bump::major);
  VersionRequest alpha;
  alpha.prerelease = "alpha";
  CHECK(next(in, alpha) == "25.0.0-alpha.1");
  // The same channel counts up from its own last prerelease and stays on its version.
  in.channel = v("25.0.0-beta.3");
  in.existing.push_back(v("25.0.0-beta.3"));
  VersionRequest beta;
  beta.prerelease = "beta";
  CHECK(next(in, beta) == "25.0.0-beta.4");
  in.bump = Bump::patch; // only fixes since the last final release, but the beta line is 25.0.0
  CHECK(next(in, beta) == "25.0.0-beta.4");
  // A prerelease must be above the last of its channel.
  VersionRequest exact;
  exact.exact = v("25.0.0-beta.2");
  auto below = next_version(in, exact, {});
  REQUIRE_FALSE(below.has_value());
  CHECK(below.error().message == "--version 25.0.0-beta.2 is not higher than the last release 25.0.0-beta.3");
}

TEST_CASE("changelog versioning: prerelease_start", "[semver][versioning]")
{
  Settings settings;
  settings.prerelease_start = 0;
  VersionRequest rc;
  rc.prerelease = "rc";
  VersionInputs in = inputs(v("1.3.2"), v("1.3.2"), Bump::minor);
  CHECK(next(in, rc, settings) == "1.4.0-rc.0");
  in.existing.push_back(v("1.4.0-rc.0"));
  CHECK(next(in, rc, settings) == "1.4.0-rc.1");
}

TEST_CASE("changelog versioning: --version with --prerelease, and Release-As", "[semver][versioning]")
{
  VersionRequest both;
  both.exact = v("1.5.0");
  both.prerelease = "rc";
  auto refused = next_version(inputs(v("1.3.2"), v("1.3.2"), Bump::minor), both, {});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message == "--version 1.5.0 and --prerelease rc cannot be combined: give the whole version "
                                   "(such as --version 1.5.0-rc.1) or only --prerelease");

  VersionRequest release_as;
  release_as.release_as = v("3.0.0");
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::patch), release_as) == "3.0.0");
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::none), release_as) == "3.0.0");
  release_as.prerelease = "rc"; // a prerelease of that version
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::patch), release_as) == "3.0.0-rc.1");
  VersionRequest wins;
  wins.exact = v("4.0.0");
  wins.release_as = v("3.0.0");
  CHECK(next(inputs(v("1.3.2"), v("1.3.2"), Bump::patch), wins) == "4.0.0");
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
                            "https://github.com/onlyowner", "example.org/o/r", "github/o/r"}) {
    INFO(other);
    CHECK_FALSE(forge_from_remote(other).has_value());
  }
}

TEST_CASE("changelog links: (#N) on GitHub, GitLab, Gitea/Forgejo and Bitbucket", "[changelog][links]")
{
  const auto github = forge_from_remote("github.com/acme/widget"); // release.repository's short form
  REQUIRE(github.has_value());
  CHECK(link_references(*github, "fix: y (#12) and (#x) (#) #3") ==
        "fix: y ([#12](https://github.com/acme/widget/issues/12)) and (#x) (#) #3");
  CHECK(issue_url(*forge_from_remote("https://gitlab.com/g/r"), "4") == "https://gitlab.com/g/r/-/issues/4");
  const auto codeberg = forge_from_remote("https://codeberg.org/o/r.git");
  REQUIRE(codeberg.has_value());
  CHECK(codeberg->kind == ForgeKind::gitea);
  CHECK(has_compare_links(*codeberg));
  CHECK(forge_from_remote("git@forgejo.example.org:o/r.git")->kind == ForgeKind::gitea);
  const auto bitbucket = forge_from_remote("git@bitbucket.org:o/r.git");
  REQUIRE(bitbucket.has_value());
  CHECK(bitbucket->kind == ForgeKind::bitbucket);
  CHECK_FALSE(has_compare_links(*bitbucket));
  CHECK(issue_url(*bitbucket, "7") == "https://bitbucket.org/o/r/issues/7");
}
