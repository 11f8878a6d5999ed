// Public keys read in-process with RNP agree with gpg on fingerprints, revocation and expiry.

#include "openpgp/ffi.hpp"
#include "openpgp/keys.hpp"
#include "openpgp/verify.hpp"
#include "support/gpg_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

using namespace tollgate;

TEST_CASE("an armored public key yields gpg's fingerprint and user id", "[openpgp]")
{
  const auto& ada = test::Keys::get()["ada"];
  auto keys = openpgp::read_public_keys(ada.armored);
  REQUIRE(keys);
  REQUIRE(keys->size() == 1);
  CHECK(keys->front().fingerprint == ada.fingerprint);
  CHECK_THAT(keys->front().user_id, Catch::Contains(ada.email));
  CHECK(keys->front().valid);
  CHECK(keys->front().can_sign);
  CHECK_FALSE(keys->front().revoked);
}

TEST_CASE("several keys in one file are all read", "[openpgp]")
{
  const auto& keys = test::Keys::get();
  auto read = openpgp::read_public_keys(keys["ada"].armored + keys["bob"].armored);
  REQUIRE(read);
  REQUIRE(read->size() == 2);
}

TEST_CASE("a revoked key and an expired key are not valid", "[openpgp]")
{
  const auto& keys = test::Keys::get();
  auto revoked = openpgp::read_public_keys(keys["rita"].armored);
  REQUIRE(revoked);
  CHECK(revoked->front().revoked);
  CHECK_FALSE(revoked->front().valid);
  auto expired = openpgp::read_public_keys(keys["olga"].armored);
  REQUIRE(expired);
  CHECK_FALSE(expired->front().revoked);
  CHECK(expired->front().valid_till <= static_cast<std::uint64_t>(std::time(nullptr)));
}

TEST_CASE("what is not a key is an error", "[openpgp]")
{
  for (const char* text :
       {"", "not a key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"}) {
    INFO(text);
    CHECK_FALSE(openpgp::read_public_keys(text));
  }
}

TEST_CASE("stderr comes back after quiet sections that overlap in several threads", "[openpgp]")
{
  FILE* const original = stderr;
  for (int round = 0; round < 200; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([t] {
        const openpgp::ffi::QuietStderr quiet;
        std::this_thread::sleep_for(std::chrono::microseconds(50 * (t + 1)));
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    REQUIRE(stderr == original);
  }
  // And one after another, nested: the outer one restores.
  {
    const openpgp::ffi::QuietStderr outer;
    CHECK(stderr != original);
    {
      const openpgp::ffi::QuietStderr inner;
    }
    CHECK(stderr != original);
  }
  CHECK(stderr == original);
}

TEST_CASE("contexts made and ended in several threads at once leave stderr and each other's streams open",
          "[openpgp][threads]")
{
  // The regression: a context created while another thread had `stderr` swapped took the shared
  // /dev/null stream as its log, and ending it after the swap fclosed that stream (or, the other way
  // round, the real stderr): the next quiet section wrote into a freed FILE.
  const auto& keys = test::Keys::get();
  const std::string armored = keys["ada"].armored + keys["rita"].armored;
  const std::vector<openpgp::KeyFile> files{{"ada.asc", keys["ada"].armored}, {"bob.asc", keys["bob"].armored}};
  FILE* const original = stderr;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        if (t % 2 == 0) {
          auto read = openpgp::read_public_keys(armored);
          failures += read && read->size() == 2 ? 0 : 1;
        } else {
          auto ring = openpgp::Keyring::load(files);
          failures += ring ? 0 : 1;
          if (ring) {
            failures +=
                ring->verify_detached("not a signature", "data").status == openpgp::SignatureStatus::bad ? 0 : 1;
          }
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
  REQUIRE(stderr == original);
  CHECK(fileno(stderr) == 2); // still the process's stderr, not a closed or freed stream
  CHECK(std::fflush(stderr) == 0);
  const openpgp::ffi::QuietStderr quiet; // and the /dev/null stream still works
  CHECK(std::fputs("dropped\n", stderr) >= 0);
}
