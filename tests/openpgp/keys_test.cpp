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

TEST_CASE("armored blocks are told apart by their first packet: keys, revocations, the rest", "[openpgp]")
{
  const auto& keys = test::Keys::get();
  const std::string& ada = keys["ada"].armored;
  // Control: the key as exported reads.
  REQUIRE(openpgp::read_public_keys(ada));
  const auto relabel = [&](std::string_view from, std::string_view to) {
    std::string text = ada;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
    return text;
  };
  // A block labelled otherwise is left to RNP's guess, which reads what it holds: still the key.
  CHECK(openpgp::read_public_keys(relabel("PUBLIC KEY BLOCK", "MESSAGE")));
  // Trailing blanks and armor headers before the body are read past.
  CHECK(openpgp::read_public_keys(relabel("PUBLIC KEY BLOCK-----\n", "PUBLIC KEY BLOCK-----  \nComment: x\n")));
  // gpg's revocation certificate is a lone signature under a PUBLIC KEY BLOCK header: with its key
  // (rita's file) it revokes it; alone, it is no key.
  const std::string& rita = keys["rita"].armored;
  const std::size_t second = rita.find("-----BEGIN PGP", 1);
  REQUIRE(second != std::string::npos);
  auto revoked = openpgp::read_public_keys(rita);
  REQUIRE(revoked);
  CHECK(revoked->front().revoked);
  CHECK_FALSE(openpgp::read_public_keys(rita.substr(second)));
  // The key without its revocation is valid: the revocation above is what revoked it.
  auto unrevoked = openpgp::read_public_keys(rita.substr(0, second));
  REQUIRE(unrevoked);
  CHECK_FALSE(unrevoked->front().revoked);
}

TEST_CASE("several key files read in one context give each file's own keys", "[openpgp]")
{
  const auto& keys = test::Keys::get();
  const std::string ada = keys["ada"].armored;
  const std::string pair = keys["bob"].armored + keys["rita"].armored;
  const std::vector<std::string_view> files{ada, "not a key", pair, ""};
  auto read = openpgp::read_public_keys_each(files);
  REQUIRE(read.size() == 4);
  REQUIRE(read[0]);
  REQUIRE(read[0]->size() == 1);
  CHECK(read[0]->front().fingerprint == keys["ada"].fingerprint);
  CHECK_FALSE(read[1]);
  REQUIRE(read[2]);
  REQUIRE(read[2]->size() == 2); // bob and rita, not ada again: the context is emptied between files
  for (const auto& key : *read[2]) {
    CHECK(key.fingerprint != keys["ada"].fingerprint);
    CHECK(key.revoked == (key.fingerprint == keys["rita"].fingerprint));
  }
  CHECK_FALSE(read[3]);
  // The same verdicts as one file at a time.
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto alone = openpgp::read_public_keys(files[i]);
    CHECK(alone.has_value() == read[i].has_value());
    if (alone && read[i]) {
      CHECK(alone->size() == read[i]->size());
    }
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

TEST_CASE("a keyring is loaded once per process for the same files, and describes its keys", "[openpgp]")
{
  const auto& keys = test::Keys::get();
  const std::vector<openpgp::KeyFile> files{{"ada.asc", keys["ada"].armored}, {"rita.asc", keys["rita"].armored}};
  auto first = openpgp::Keyring::shared(files);
  auto again = openpgp::Keyring::shared(files);
  REQUIRE(first);
  REQUIRE(again);
  CHECK(first->get() == again->get());
  // Other files (or the same texts under other names) are another keyring.
  const std::vector<openpgp::KeyFile> renamed{{"a.asc", keys["ada"].armored}, {"rita.asc", keys["rita"].armored}};
  auto other = openpgp::Keyring::shared(renamed);
  REQUIRE(other);
  CHECK(other->get() != first->get());
  // Its keys as read_public_keys describes them, rita's revocation included.
  auto described = (*first)->primary_keys();
  REQUIRE(described.size() == 2);
  for (const auto& key : described) {
    const bool is_rita = key.fingerprint == keys["rita"].fingerprint;
    CHECK((is_rita || key.fingerprint == keys["ada"].fingerprint));
    CHECK(key.revoked == is_rita);
    CHECK(key.valid == !is_rita);
  }
  // A file that holds no key fails the whole keyring, as load() does.
  const std::vector<openpgp::KeyFile> broken{{"ada.asc", keys["ada"].armored}, {"junk.asc", "not a key"}};
  CHECK_FALSE(openpgp::Keyring::shared(broken));
}
