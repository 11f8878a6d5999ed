#include "core/config.hpp"

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
  CHECK(settings.zero_major_breaking == changelog::ZeroMajorBreaking::major);
  CHECK(settings.initial_version == "1.0.0");
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
  CHECK_THAT(error("checks:\n  - changelog: {require_releases: true}\n"),
             Catch::Contains("did you mean `require_release`?"));
}
