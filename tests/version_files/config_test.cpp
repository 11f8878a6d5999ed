// `release.version_files:` in tollgate.yaml: paths and `{path, pattern}` items, every mistake an
// error naming file:line:col.

#include "core/config/config.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tollgate;

namespace {

std::string error_of(const std::string& text)
{
  auto config = core::parse_config(text, "tollgate.yaml");
  INFO(text);
  REQUIRE_FALSE(config.has_value());
  return config.error().message;
}

} // namespace

TEST_CASE("config: release.version_files", "[version_files][config]")
{
  auto config = core::parse_config("release:\n"
                                   "  version_files:\n"
                                   "    - pyproject.toml\n"
                                   "    - web/package-lock.json\n"
                                   "    - {path: src/demo/__init__.py, pattern: '^__version__ = \"([^\"]+)\"'}\n",
                                   "tollgate.yaml");
  REQUIRE(config);
  const auto& files = config->release.version_files;
  REQUIRE(files.size() == 3);
  CHECK(files[0].format == version_files::Format::pyproject);
  CHECK(files[0].origin == "tollgate.yaml:3:7");
  CHECK(files[1].format == version_files::Format::package_lock);
  CHECK(files[2].format == version_files::Format::pattern);
  CHECK(files[2].pattern == "^__version__ = \"([^\"]+)\"");
  CHECK(core::parse_config("release:\n  version_files: []\n", "tollgate.yaml")->release.version_files.empty());

  CHECK(error_of("release:\n  version_files:\n    - VERSION\n") ==
        "tollgate.yaml:3:7: version file `VERSION`: no built-in format for this file name (pyproject.toml, "
        "package.json, package-lock.json, Cargo.toml, setup.cfg): give `{path, pattern}` with one capture group "
        "for the version");
  CHECK(
      error_of("release:\n  version_files:\n    - {path: VERSION, pattern: '(a)(b)'}\n")
          .starts_with("tollgate.yaml:3:32: version file `VERSION`: the pattern must have exactly one capture group"));
  CHECK(error_of("release:\n  version_files:\n    - {path: VERSION, patern: '(a)'}\n")
            .starts_with("tollgate.yaml:3:23: unknown key `patern` in a version file, did you mean `pattern`?"));
  CHECK(error_of("release:\n  version_files:\n    - {pattern: '(a)'}\n") ==
        "tollgate.yaml:3:7: a version file needs `path`");
  CHECK(error_of("release:\n  version_files:\n    - package.json\n    - package.json\n") ==
        "tollgate.yaml:4:7: version file `package.json` is listed twice");
  CHECK(error_of("release:\n  changelog: CHANGELOG.md\n  version_files: [CHANGELOG.md]\n") ==
        "tollgate.yaml:3:19: `CHANGELOG.md` is release.changelog, not a version file");
  CHECK(error_of("release:\n  version_files: package.json\n") ==
        "tollgate.yaml:2:18: `version_files` must be a list of paths or `{path, pattern}` mappings");
  CHECK(error_of("release:\n  version_files: [../package.json]\n")
            .starts_with("tollgate.yaml:2:19: version file `../package.json`: `..` is not allowed"));
}
