// Which key attests (core/signing): in a keyring of many secret keys, the attester's is chosen
// without being named, never the release signer's; several attesters here need --key.

#include "core/trust/signing.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace tollgate;
using test::Keys;

namespace {

struct Fixture {
  test::TempDir dir;
  git::Repository repo = open(dir);
  gpg::Context gpg = *gpg::Context::create();

  static git::Repository open(const test::TempDir& dir)
  {
    test::sh("git init -q " + test::quote(dir.path().string()));
    return *git::Repository::open(dir.path());
  }

  Result<gpg::KeyInfo> choose(const std::string& explicit_key, const std::set<std::string>& attesters) const
  {
    return core::choose_attesting_key(gpg, repo, explicit_key,
                                      [&](const std::string& fingerprint) { return attesters.contains(fingerprint); });
  }
};

} // namespace

TEST_CASE("the attesting key: the one attester key among the secret keys here", "[signing][attestations]")
{
  const Fixture fixture;
  const auto& keys = Keys::get();
  SECTION("the only attester key is chosen among many secret keys")
  {
    auto key = fixture.choose("", {keys["carol"].fingerprint});
    REQUIRE(key);
    CHECK(key->fingerprint == keys["carol"].fingerprint);
  }
  SECTION("control: another attester, another key")
  {
    auto key = fixture.choose("", {keys["bob"].fingerprint});
    REQUIRE(key);
    CHECK(key->fingerprint == keys["bob"].fingerprint);
  }
  SECTION("an expired attester key is not chosen")
  {
    auto key = fixture.choose("", {keys["olga"].fingerprint, keys["carol"].fingerprint});
    REQUIRE(key);
    CHECK(key->fingerprint == keys["carol"].fingerprint);
  }
  SECTION("two attester keys here and none named: an error naming both")
  {
    auto key = fixture.choose("", {keys["bob"].fingerprint, keys["carol"].fingerprint});
    REQUIRE_FALSE(key);
    CHECK_THAT(key.error().message, Catch::Contains("several secret keys here belong to attesters") &&
                                        Catch::Contains(keys["bob"].fingerprint) &&
                                        Catch::Contains(keys["carol"].fingerprint) && Catch::Contains("--key"));
  }
  SECTION("--key wins over the attester list")
  {
    auto key = fixture.choose(keys["ada"].fingerprint, {keys["carol"].fingerprint});
    REQUIRE(key);
    CHECK(key->fingerprint == keys["ada"].fingerprint);
  }
}
