#include "changelog/semver.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tollgate::changelog;

namespace {

Version v(const std::string& text)
{
  auto version = parse_version(text);
  INFO(text);
  REQUIRE(version.has_value());
  return *version;
}

} // namespace

TEST_CASE("semver: the precedence chain of the spec, in order, each pair both ways", "[semver]")
{
  const std::vector<std::string> chain = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                          "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                          "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                                          "1.1.0",       "2.0.0"};
  for (std::size_t i = 0; i < chain.size(); ++i) {
    for (std::size_t j = 0; j < chain.size(); ++j) {
      INFO(chain[i] << " vs " << chain[j]);
      CHECK((compare(v(chain[i]), v(chain[j])) < 0) == (i < j));
      CHECK((compare(v(chain[i]), v(chain[j])) == 0) == (i == j));
    }
  }
}

TEST_CASE("semver: the pitfalls", "[semver]")
{
  // Numeric identifiers compare as numbers, not strings; numeric ranks below alphanumeric.
  CHECK(precedes(v("1.0.0-beta.2"), v("1.0.0-beta.11")));
  CHECK(precedes(v("1.0.0-1"), v("1.0.0-alpha")));
  CHECK(precedes(v("1.0.0-alpha.9"), v("1.0.0-alpha.a")));
  // Alphanumeric identifiers compare in ASCII order: upper case before lower case.
  CHECK(precedes(v("1.0.0-RC.1"), v("1.0.0-rc.1")));
  // A larger set of identifiers wins when all before are equal.
  CHECK(precedes(v("1.0.0-alpha"), v("1.0.0-alpha.0")));
  // Build metadata is ignored.
  CHECK(same_precedence(v("1.0.0+build.1"), v("1.0.0+build.2")));
  CHECK(same_precedence(v("1.0.0-rc.1+x"), v("1.0.0-rc.1")));
  // Numbers in the core are numbers.
  CHECK(precedes(v("1.9.0"), v("1.10.0")));
  CHECK(precedes(v("9.0.0"), v("10.0.0")));
  // Hyphens are identifier characters.
  CHECK(v("1.0.0-x-y-z.--").prerelease == std::vector<std::string>{"x-y-z", "--"});
  CHECK(v("1.0.0-0A.is.legal").prerelease.front() == "0A");
}

TEST_CASE("semver: what is not a version", "[semver]")
{
  const std::string text = GENERATE(as<std::string>{}, "", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3",
                                    "1.2.03", "1.2.3-", "1.2.3-01", "1.2.3-rc..1", "1.2.3+", "1.2.3+a..b", "1.2.3-rc_1",
                                    " 1.2.3", "1.2.3 ", "-1.2.3", "1.2.x", "99999999999999999999.0.0");
  INFO('"' << text << '"');
  CHECK_FALSE(parse_version(text).has_value());
}

TEST_CASE("semver: round trip and fields", "[semver]")
{
  const Version version = v("1.4.0-rc.1+build.5");
  CHECK(version.major == 1);
  CHECK(version.minor == 4);
  CHECK(version.patch == 0);
  CHECK(version.prerelease == std::vector<std::string>{"rc", "1"});
  CHECK(version.build == "build.5");
  CHECK(version.str() == "1.4.0-rc.1+build.5");
  CHECK(version.core().str() == "1.4.0");
  CHECK(v("0.0.0").str() == "0.0.0");
}

TEST_CASE("semver: bumps reset the lower fields and drop the prerelease", "[semver]")
{
  CHECK(bumped(v("1.3.2"), Bump::patch).str() == "1.3.3");
  CHECK(bumped(v("1.3.2"), Bump::minor).str() == "1.4.0");
  CHECK(bumped(v("1.3.2"), Bump::major).str() == "2.0.0");
  CHECK(bumped(v("1.3.2-rc.1"), Bump::none).str() == "1.3.2");
  CHECK(to_string(Bump::minor) == "minor");
}
