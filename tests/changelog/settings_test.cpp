#include "core/config/config.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

TEST_CASE("config: the changelog section", "[changelog][config]")
{
  auto config = core::parse_config(R"(changelog:
  types: {docs: Documentation, perf: "", FEAT: New}
  scopes: {deps: Dependencies}
  include_other: true
  other_section: Misc
  include_merges: true
  include_fixups: true
  cancel_reverts: false
  zero_major_breaking: major
  initial_version: 1.0.0
  breaking_section: Breaking
)",
                                   "tollgate.yaml");
  REQUIRE(config.has_value());
  const auto& settings = config->changelog;
  CHECK(changelog::section_for(settings, "docs", "", false) == "Documentation");
  CHECK(changelog::section_for(settings, "perf", "", false).empty());
  CHECK(changelog::section_for(settings, "feat", "", false) == "New");
  CHECK(changelog::section_for(settings, "fix", "deps", false) == "Dependencies");
  CHECK(changelog::section_for(settings, "fix", "security", false) == "Security");
  CHECK(changelog::section_for(settings, "chore", "", true) == "Breaking");
  CHECK(settings.include_other);
  CHECK(settings.other_section == "Misc");
  CHECK(settings.include_merges);
  CHECK(settings.include_fixups);
  CHECK_FALSE(settings.cancel_reverts);
  CHECK_FALSE(settings.bump_minor_pre_major); // zero_major_breaking: major, the older spelling
  CHECK(settings.initial_version == "1.0.0");
}

TEST_CASE("config: release versioning keys and the bump rules", "[changelog][config]")
{
  auto config = core::parse_config(R"(release:
  repository: github.com/acme/widget
  prerelease_start: 0
  bump_minor_pre_major: true
  hide_scopes: [deps]
  paths: [packages/app/]
  exclude_paths: [packages/app/docs]
changelog:
  preset: commitizen
  bump: {docs: patch, perf: none}
)",
                                   "tollgate.yaml");
  REQUIRE(config.has_value());
  const auto& settings = config->changelog;
  CHECK(settings.prerelease_start == 0);
  CHECK(settings.bump_minor_pre_major);
  CHECK(settings.hide_scopes == std::vector<std::string>{"deps"});
  CHECK(settings.repository == "github.com/acme/widget");
  CHECK(changelog::bump_for_type(settings, "refactor") == changelog::Bump::patch); // commitizen's
  CHECK(changelog::bump_for_type(settings, "docs") == changelog::Bump::patch);
  CHECK(changelog::bump_for_type(settings, "perf") == changelog::Bump::none);
  CHECK(changelog::bump_for_type(settings, "revert") == changelog::Bump::none); // commitizen bumps no revert
  CHECK(changelog::hidden_scope(settings, "deps-dev"));
  CHECK(changelog::hidden_scope(settings, "DEPS"));
  CHECK_FALSE(changelog::hidden_scope(settings, "dep"));
  CHECK_FALSE(changelog::hidden_scope(settings, ""));
  using Paths = std::vector<std::string>;
  CHECK(changelog::touches_paths(settings, Paths{"README.md", "packages/app/src/a.js"}));
  CHECK_FALSE(changelog::touches_paths(settings, Paths{"packages/app/docs/x.md"}));
  CHECK_FALSE(changelog::touches_paths(settings, Paths{"packages/application/a.js"}));
  CHECK_FALSE(changelog::touches_paths(settings, Paths{}));

  const changelog::Settings defaults;
  CHECK_FALSE(defaults.bump_minor_pre_major); // semantic-release, release-please, commitizen: 0.x breaking -> 1.0.0
  CHECK(defaults.prerelease_start == 1);
  CHECK(changelog::bump_for_type(defaults, "revert") == changelog::Bump::patch);
  CHECK(changelog::bump_for_type(defaults, "refactor") == changelog::Bump::none);
  CHECK_FALSE(changelog::filters_paths(defaults));
}

TEST_CASE("config: changelog mistakes name file, line and column", "[changelog][config]")
{
  const auto error = [](const std::string& text) {
    auto config = core::parse_config(text, "tollgate.yaml");
    REQUIRE_FALSE(config.has_value());
    return config.error().message;
  };
  CHECK(error("changelog:\n  include_others: true\n") ==
        "tollgate.yaml:2:3: unknown key `include_others` in `changelog`, did you mean `include_other`?");
  CHECK_THAT(error("changelog:\n  zero_major_breaking: patch\n"),
             Catch::StartsWith("tollgate.yaml:2:24: `zero_major_breaking` must be `minor` or `major`"));
  CHECK_THAT(error("changelog:\n  initial_version: v1\n"), Catch::StartsWith("tollgate.yaml:2:20: `initial_version`"));
  CHECK_THAT(error("changelog:\n  types: [feat]\n"),
             Catch::StartsWith("tollgate.yaml:2:10: `types` must be a mapping"));
  CHECK_THAT(error("changelog:\n  types: {feat: [a]}\n"), Catch::StartsWith("tollgate.yaml:2:17: `types.feat`"));
  CHECK_THAT(error("release:\n  prerelease_start: 2\n"), Catch::StartsWith("tollgate.yaml:2:21: "));
  CHECK_THAT(error("release:\n  paths: [/abs]\n"),
             Catch::StartsWith("tollgate.yaml:2:10: `paths` holds `/abs`: want paths relative"));
  CHECK_THAT(error("release:\n  exclude_paths: [../up]\n"), Catch::Contains("`exclude_paths` holds `../up`"));
  CHECK_THAT(error("release:\n  hide_scopes: [\"\"]\n"), Catch::Contains("`hide_scopes` holds an empty scope"));
  CHECK_THAT(
      error("changelog:\n  preset: angular\n"),
      Catch::StartsWith("tollgate.yaml:2:11: `preset` must be `conventional` (semantic-release, release-please)"));
  CHECK_THAT(error("changelog:\n  bump: {feat: big}\n"),
             Catch::StartsWith("tollgate.yaml:2:16: `bump.feat` must be `major`, `minor`, `patch` or `none`"));
  CHECK_THAT(error("checks:\n  - changelog: {require_releases: true}\n"),
             Catch::Contains("did you mean `require_release`?"));
}
