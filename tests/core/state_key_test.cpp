// The per-user state (DESIGN.md §7.5): the HMAC key file's creation and refusals, the private
// directories, and the cache of verdicts that must not trust what it did not write itself.

#include "core/trust/state_key.hpp"
#include "core/trust/verify_cache.hpp"
#include "support/temp_dir.hpp"
#include "util/hmac.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <sys/stat.h>

using namespace tollgate;
using test::TempDir;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& path)
{
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_mode & 07777U;
}

git::Oid oid(const std::string& hex)
{
  auto parsed = git::Oid::parse(hex);
  REQUIRE(parsed);
  return *parsed;
}

} // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231", "[state]")
{
  CHECK(util::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(util::equal_constant_time("abc", "abc"));
  CHECK_FALSE(util::equal_constant_time("abc", "abd"));
  CHECK_FALSE(util::equal_constant_time("abc", "ab"));
}

TEST_CASE("the state key is created once, 0600, and read back", "[state]")
{
  const TempDir dir;
  auto key = core::load_state_key(dir.path());
  REQUIRE(key);
  CHECK(key->size() == 32);
  CHECK(mode_of(dir.path() / "hmac.key") == 0600);
  auto again = core::load_state_key(dir.path());
  REQUIRE(again);
  CHECK(*again == *key);
  CHECK(core::state_mac(*key, "a", "data") != core::state_mac(*key, "b", "data"));
}

TEST_CASE("a state key file that others could read, a link or a short file is refused", "[state]")
{
  const TempDir dir;
  const fs::path file = dir.write("hmac.key", std::string(32, 'k'));

  SECTION("mode 0644")
  {
    fs::permissions(file, fs::perms(0644));
    auto key = core::load_state_key(dir.path());
    REQUIRE_FALSE(key);
    CHECK_THAT(key.error().message, Catch::Contains("mode 0600"));
  }
  SECTION("a symbolic link to a 0600 key")
  {
    const fs::path real = dir.write("elsewhere/key", std::string(32, 'k'));
    fs::permissions(real, fs::perms(0600));
    fs::remove(file);
    fs::create_symlink(real, file);
    auto key = core::load_state_key(dir.path());
    REQUIRE_FALSE(key);
    CHECK_THAT(key.error().message, Catch::Contains("symbolic link"));
  }
  SECTION("a key of the wrong size")
  {
    fs::remove(file);
    fs::permissions(dir.write("hmac.key", "short"), fs::perms(0600));
    CHECK_FALSE(core::load_state_key(dir.path()));
  }
}

TEST_CASE("the per-user state directories are created 0700 under XDG_CACHE_HOME", "[state]")
{
  auto dir = core::user_state_subdir("verified");
  REQUIRE(dir);
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  REQUIRE(xdg != nullptr);
  CHECK(*dir == fs::path(xdg) / "tollgate" / "verified");
  CHECK(mode_of(dir->parent_path()) == 0700);
  CHECK(mode_of(*dir) == 0700);
}

TEST_CASE("a cached verdict counts only with its MAC under this user's key", "[state]")
{
  const TempDir dir;
  const std::string digest = "d1";
  const git::Oid tag = oid("0123456789abcdef0123456789abcdef01234567");
  const std::string fingerprint(40, 'A');
  const core::VerifyCache cache(dir.path(), std::string(32, 'k'), digest);
  const fs::path entry = dir.path() / digest / tag.hex();
  core::SignatureVerdict good;
  good.state = gpg::SignatureState::good;
  good.primary = fingerprint;
  good.created = 1700000000;

  SECTION("what the cache stored is found")
  {
    cache.store(tag, good);
    auto found = cache.find(tag);
    REQUIRE(found);
    CHECK(found->state == gpg::SignatureState::good);
    CHECK(found->primary == fingerprint);
    CHECK(found->created == 1700000000);
  }
  SECTION("a forged entry without a MAC (the old format) is a miss, and is overwritten")
  {
    dir.write(digest + "/" + tag.hex(), "0 1700000000 0 0 " + fingerprint + "\n");
    CHECK_FALSE(cache.find(tag));
    good.state = gpg::SignatureState::bad;
    cache.store(tag, good);
    auto found = cache.find(tag);
    REQUIRE(found);
    CHECK(found->state == gpg::SignatureState::bad);
  }
  SECTION("an entry with another key's MAC is a miss")
  {
    const core::VerifyCache other(dir.path(), std::string(32, 'x'), digest);
    other.store(tag, good);
    CHECK(fs::exists(entry));
    CHECK_FALSE(cache.find(tag));
  }
  SECTION("an entry moved to another tag's name or altered is a miss")
  {
    cache.store(tag, good);
    const git::Oid forged = oid("fedcba9876543210fedcba9876543210fedcba98");
    fs::copy_file(entry, dir.path() / digest / forged.hex());
    CHECK_FALSE(cache.find(forged));
    std::string text = test::read_file(entry);
    text[0] = '1'; // good -> bad, MAC unchanged
    dir.write(digest + "/" + tag.hex(), text);
    CHECK_FALSE(cache.find(tag));
  }
}
