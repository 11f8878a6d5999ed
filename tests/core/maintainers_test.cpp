// MAINTAINERS.yaml (DESIGN.md §3): strict parsing with file:line:col errors.

#include "core/trust/maintainers.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

namespace {

const std::string k_ada = "3AA5C34371567BD2A1B2C3D4E5F60718293A4B5C";

std::string parse_error(const std::string& text)
{
  auto parsed = core::parse_maintainers(text, "MAINTAINERS.yaml");
  REQUIRE_FALSE(parsed);
  return parsed.error().message;
}

} // namespace

TEST_CASE("MAINTAINERS.yaml lists names, emails, keys and roles", "[maintainers]")
{
  auto parsed = core::parse_maintainers("maintainers:\n"
                                        "  - name: Ada Lovelace\n"
                                        "    email: ada@example.com\n"
                                        "    keys: [\"3aa5 c343 7156 7bd2 a1b2  c3d4 e5f6 0718 293a 4b5c\"]\n"
                                        "    roles: [release, security]\n"
                                        "  - name: Bob\n"
                                        "    email: Bob@Example.com\n"
                                        "    keys: 0123456789ABCDEF0123456789ABCDEF01234567\n",
                                        "MAINTAINERS.yaml");
  REQUIRE(parsed);
  REQUIRE(parsed->list.size() == 2);
  CHECK(parsed->list[0].keys == std::vector<std::string>{k_ada});
  CHECK(parsed->list[0].roles == std::vector<std::string>{"release", "security"});
  CHECK(parsed->list[1].roles.empty());
  CHECK(parsed->by_fingerprint("3aa5c34371567bd2a1b2c3d4e5f60718293a4b5c") == &parsed->list[0]);
  CHECK(parsed->by_email("bob@example.COM") == &parsed->list[1]);
  CHECK(parsed->by_fingerprint("FFFF") == nullptr);
}

TEST_CASE("an explicitly empty MAINTAINERS.yaml parses: nobody can approve yet", "[maintainers]")
{
  auto parsed = core::parse_maintainers("# nobody yet\nmaintainers: []\n", "MAINTAINERS.yaml");
  REQUIRE(parsed);
  CHECK(parsed->list.empty());
}

TEST_CASE("malformed MAINTAINERS.yaml names file, line and column", "[maintainers]")
{
  const std::string ada = "  - name: Ada\n    email: ada@example.com\n    keys: [" + k_ada + "]\n";
  CHECK_THAT(parse_error("maintainers:\n  - name: Ada\n    email: ada@example.com\n    keys: [3AA5C343]\n"),
             Catch::StartsWith("MAINTAINERS.yaml:4:12: `3AA5C343` is not a full fingerprint"));
  CHECK_THAT(parse_error("maintainers:\n" + ada + "    role: [release]\n"),
             Catch::StartsWith("MAINTAINERS.yaml:5:5:") && Catch::Contains("did you mean `roles`"));
  CHECK_THAT(parse_error("maintainers:\n  - email: x@example.com\n    keys: [" + k_ada + "]\n"),
             Catch::StartsWith("MAINTAINERS.yaml:2:5: maintainer #1 needs a `name`"));
  CHECK_THAT(parse_error("maintainers:\n  - name: Ada\n    keys: [" + k_ada + "]\n"),
             Catch::Contains("needs an `email`"));
  CHECK_THAT(parse_error("maintainers:\n  - name: Ada\n    email: a@b\n"), Catch::Contains("needs `keys`"));
  CHECK_THAT(
      parse_error("maintainers:\n" + ada + "  - name: Eve\n    email: eve@example.com\n    keys: [" + k_ada + "]\n"),
      Catch::StartsWith("MAINTAINERS.yaml:5:5: key " + k_ada + " is listed for both `Ada` and `Eve`"));
  CHECK_THAT(parse_error("maintainers:\n"), Catch::Contains("`maintainers` must be a list"));
  CHECK_THAT(parse_error("maintainers: {}\n"),
             Catch::StartsWith("MAINTAINERS.yaml:1:14: `maintainers` must be a list of maintainers"));
  CHECK_THAT(parse_error("people:\n" + ada), Catch::StartsWith("MAINTAINERS.yaml:1:1:"));
  CHECK_THAT(parse_error("maintainers:\n  - [a, b]\n"), Catch::StartsWith("MAINTAINERS.yaml:2:5:"));
  CHECK_THAT(parse_error("maintainers: [\n"), Catch::StartsWith("MAINTAINERS.yaml:"));
}

TEST_CASE("MAINTAINERS.yaml lists attesters with the check ids their keys may attest", "[maintainers][attestations]")
{
  const std::string ci = "0123456789ABCDEF0123456789ABCDEF01234567";
  auto parsed = core::parse_maintainers("maintainers: []\nattesters:\n  - name: CI\n    keys: [" + ci +
                                            "]\n    checks: [pytest, pre-commit]\n",
                                        "MAINTAINERS.yaml");
  REQUIRE(parsed);
  REQUIRE(parsed->attesters.size() == 1);
  const core::Attester* attester = parsed->attester_by_fingerprint("0123456789abcdef0123456789abcdef01234567");
  REQUIRE(attester == &parsed->attesters[0]);
  CHECK(attester->may_attest("pytest"));
  CHECK_FALSE(attester->may_attest("unit"));
  CHECK(parsed->by_fingerprint(ci) == nullptr); // an attester is not a maintainer
  CHECK(parsed->attester_by_fingerprint(k_ada) == nullptr);

  const std::string head = "maintainers: []\nattesters:\n";
  CHECK_THAT(parse_error(head + "  - name: CI\n    keys: [" + ci + "]\n"),
             Catch::StartsWith("MAINTAINERS.yaml:3:5: attester `CI` needs `checks`"));
  CHECK_THAT(parse_error(head + "  - name: CI\n    keys: [12AB]\n    checks: [pytest]\n"),
             Catch::StartsWith("MAINTAINERS.yaml:4:12: `12AB` is not a full fingerprint"));
  CHECK_THAT(parse_error(head + "  - name: CI\n    keys: [" + ci + "]\n    check: [pytest]\n"),
             Catch::StartsWith("MAINTAINERS.yaml:5:5:") && Catch::Contains("did you mean `checks`"));
  CHECK_THAT(parse_error(head + "  - keys: [" + ci + "]\n    checks: [pytest]\n"),
             Catch::StartsWith("MAINTAINERS.yaml:3:5: attester #1 needs a `name`"));
  CHECK_THAT(parse_error("maintainers: []\nattesters: {}\n"),
             Catch::StartsWith("MAINTAINERS.yaml:2:12: `attesters` must be a list"));
  CHECK_THAT(parse_error(head + "  - name: A\n    keys: [" + ci + "]\n    checks: [x]\n  - name: B\n    keys: [" + ci +
                         "]\n    checks: [y]\n"),
             Catch::Contains("is listed for both attesters `A` and `B`"));
}
