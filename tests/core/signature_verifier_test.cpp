// The differential corpus: every signature is judged by RNP in-process and by gpg through gpgme, and
// both must give the same verdict (state, signer, times). Signatures are made by the real gpg and git.

#include "core/trust/signature_verifier.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace tollgate;
using test::quote;
using test::sh;

namespace {

std::string trimmed(std::string text)
{
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

// A key made for this corpus in the fixture's GNUPGHOME: `algo` for the primary key, and when
// `signing_subkey` is not empty a subkey of that algorithm that signs (the primary then only certifies).
test::TestKey make_key(const std::string& email, const std::string& algo, const std::string& signing_subkey = "",
                       const std::string& options = "")
{
  test::Keys::get(); // the home exists and GNUPGHOME points at it
  const std::string usage = signing_subkey.empty() ? "sign" : "cert";
  sh("gpg --batch --yes --quiet " + options + " --passphrase '' --quick-gen-key " + quote("Corpus <" + email + ">") +
     " " + algo + " " + usage + " never 2>/dev/null");
  const std::string fingerprint = trimmed(sh("gpg --batch --with-colons --list-keys " + quote(email) +
                                             " 2>/dev/null | awk -F: '$1==\"fpr\" {print $10; exit}'"));
  if (!signing_subkey.empty()) {
    sh("gpg --batch --yes --quiet --passphrase '' --quick-add-key " + fingerprint + " " + signing_subkey +
       " sign never 2>/dev/null");
  }
  return test::TestKey{"Corpus", email, fingerprint,
                       sh("gpg --batch --armor --export " + fingerprint + " 2>/dev/null")};
}

struct Corpus {
  test::TempDir dir;
  test::TestKey subkey_signer = make_key("subkey@example.com", "ed25519", "ed25519");
  test::TestKey rsa = make_key("rsa@example.com", "rsa2048");
  test::TestKey ecdsa = make_key("ecdsa@example.com", "nistp256");
  test::TestKey ecdsa_subkey = make_key("ecdsa-sub@example.com", "nistp384", "nistp256/ecdsa");
  // Made in 2020 and never expiring, to make signatures that expired long ago.
  test::TestKey old = make_key("old@example.com", "ed25519", "", "--faked-system-time 20200101T000000!");

  static const Corpus& get()
  {
    static const Corpus k_corpus;
    return k_corpus;
  }

  // A detached armored signature of `payload` by `signer` (a fingerprint; `!` forces that exact key).
  std::string sign(const std::string& payload, const std::string& signer, const std::string& options = "") const
  {
    const auto file = dir.path() / "payload";
    std::ofstream(file, std::ios::binary) << payload;
    return sh("gpg --batch --yes --quiet " + options + " --local-user " + quote(signer) +
              " --armor --detach-sign --output - " + quote(file.string()) + " 2>/dev/null");
  }

  std::vector<gpg::ArmoredKey> keyring() const
  {
    const auto& keys = test::Keys::get();
    std::vector<gpg::ArmoredKey> ring;
    for (const char* id : {"ada", "bob", "rita", "olga"}) {
      ring.push_back(gpg::ArmoredKey{std::string(id) + ".asc", keys[id].armored});
    }
    for (const auto* key : {&subkey_signer, &rsa, &ecdsa, &ecdsa_subkey, &old}) {
      ring.push_back(gpg::ArmoredKey{key->email + ".asc", key->armored});
    }
    return ring;
  }
};

// The signing subkey's fingerprint of `key` (the last subkey gpg lists).
std::string subkey_of(const test::TestKey& key)
{
  return trimmed(sh("gpg --batch --with-colons --list-keys " + key.fingerprint +
                    " 2>/dev/null | awk -F: '$1==\"fpr\" {f=$10} END {print f}'"));
}

struct Verdicts {
  core::SignatureVerdict rnp;
  core::SignatureVerdict gpgme;
};

Verdicts judge(const std::string& payload, const std::string& signature)
{
  const auto ring = Corpus::get().keyring();
  const std::string digest = "signature-verifier-test";
  auto rnp = core::SignatureVerifier::open(ring, digest, core::VerifyBackend::rnp);
  auto gpgme = core::SignatureVerifier::open(ring, digest, core::VerifyBackend::gpgme);
  REQUIRE(rnp);
  REQUIRE(gpgme);
  auto by_rnp = rnp->verify(core::SignedBytes{payload, signature});
  auto by_gpgme = gpgme->verify(core::SignedBytes{payload, signature});
  REQUIRE(by_rnp);
  REQUIRE(by_gpgme);
  return Verdicts{*by_rnp, *by_gpgme};
}

void check_same(const Verdicts& verdicts, gpg::SignatureState expected)
{
  INFO("rnp: " << gpg::to_string(verdicts.rnp.state) << " " << verdicts.rnp.primary);
  INFO("gpgme: " << gpg::to_string(verdicts.gpgme.state) << " " << verdicts.gpgme.primary);
  CHECK(verdicts.gpgme.state == expected);
  CHECK(verdicts.rnp.state == expected);
  if (expected != gpg::SignatureState::bad) {
    CHECK(verdicts.rnp.primary == verdicts.gpgme.primary);
    CHECK(verdicts.rnp.created == verdicts.gpgme.created);
    CHECK(verdicts.rnp.expires == verdicts.gpgme.expires);
    CHECK(verdicts.rnp.key_expires == verdicts.gpgme.key_expires);
  }
}

} // namespace

TEST_CASE("good signatures: RNP and gpg agree on the signer and the times", "[signature][differential]")
{
  const auto& corpus = Corpus::get();
  const auto& keys = test::Keys::get();
  const std::string payload = "object 0123\ntype commit\n\napprove\n";
  SECTION("Ed25519")
  {
    const auto verdicts = judge(payload, corpus.sign(payload, keys["ada"].fingerprint + "!"));
    check_same(verdicts, gpg::SignatureState::good);
    CHECK(verdicts.rnp.primary == keys["ada"].fingerprint);
  }
  SECTION("RSA 2048")
  {
    check_same(judge(payload, corpus.sign(payload, corpus.rsa.fingerprint + "!")), gpg::SignatureState::good);
  }
  SECTION("ECDSA P-256")
  {
    check_same(judge(payload, corpus.sign(payload, corpus.ecdsa.fingerprint + "!")), gpg::SignatureState::good);
  }
  SECTION("an Ed25519 signing subkey names its primary key")
  {
    const auto verdicts = judge(payload, corpus.sign(payload, subkey_of(corpus.subkey_signer) + "!"));
    check_same(verdicts, gpg::SignatureState::good);
    CHECK(verdicts.rnp.primary == corpus.subkey_signer.fingerprint);
  }
  SECTION("an ECDSA P-256 subkey under a P-384 primary")
  {
    const auto verdicts = judge(payload, corpus.sign(payload, subkey_of(corpus.ecdsa_subkey) + "!"));
    check_same(verdicts, gpg::SignatureState::good);
    CHECK(verdicts.rnp.primary == corpus.ecdsa_subkey.fingerprint);
  }
  SECTION("a SHA-512 digest")
  {
    check_same(judge(payload, corpus.sign(payload, keys["bob"].fingerprint + "!", "--digest-algo SHA512")),
               gpg::SignatureState::good);
  }
}

TEST_CASE("altered data, altered or malformed signatures are bad for both", "[signature][differential]")
{
  const auto& corpus = Corpus::get();
  const auto& keys = test::Keys::get();
  const std::string payload = "object 0123\ntype commit\n\napprove\n";
  const std::string signature = corpus.sign(payload, keys["ada"].fingerprint + "!");
  SECTION("one byte of the data changed")
  {
    check_same(judge("object 0124\ntype commit\n\napprove\n", signature), gpg::SignatureState::bad);
  }
  SECTION("data appended")
  {
    check_same(judge(payload + "and more\n", signature), gpg::SignatureState::bad);
  }
  SECTION("the signature truncated")
  {
    check_same(judge(payload, signature.substr(0, signature.size() / 2)), gpg::SignatureState::bad);
  }
  SECTION("not a signature")
  {
    check_same(judge(payload, "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"),
               gpg::SignatureState::bad);
  }
  SECTION("two signatures, one of them good")
  {
    check_same(judge(payload, signature + corpus.sign(payload, keys["bob"].fingerprint + "!")),
               gpg::SignatureState::bad);
  }
  SECTION("empty")
  {
    check_same(judge(payload, ""), gpg::SignatureState::bad);
  }
  SECTION("a public key where the signature should be")
  {
    check_same(judge(payload, keys["ada"].armored), gpg::SignatureState::bad);
  }
}

TEST_CASE("signatures by keys outside the keyring, revoked or expired keys, expired signatures",
          "[signature][differential]")
{
  const auto& corpus = Corpus::get();
  const auto& keys = test::Keys::get();
  const std::string payload = "object 0123\ntype commit\n\napprove\n";
  SECTION("a key the trust root does not hold")
  {
    const auto verdicts = judge(payload, corpus.sign(payload, keys["eve"].fingerprint + "!"));
    check_same(verdicts, gpg::SignatureState::unknown_key);
    CHECK(verdicts.rnp.primary == keys["eve"].fingerprint);
  }
  SECTION("a revoked key")
  {
    check_same(judge(payload, corpus.sign(payload, keys["rita"].fingerprint + "!")), gpg::SignatureState::revoked_key);
  }
  SECTION("a key that has expired since it signed")
  {
    check_same(
        judge(payload, corpus.sign(payload, keys["olga"].fingerprint + "!", "--faked-system-time 20200601T000000!")),
        gpg::SignatureState::expired_key);
  }
  SECTION("a signature that has expired")
  {
    check_same(judge(payload, corpus.sign(payload, corpus.old.fingerprint + "!",
                                          "--faked-system-time 20200601T000000! --default-sig-expire 1d")),
               gpg::SignatureState::expired_signature);
  }
  SECTION("a signature that expires in the future is good")
  {
    check_same(judge(payload, corpus.sign(payload, keys["ada"].fingerprint + "!", "--default-sig-expire 10y")),
               gpg::SignatureState::good);
  }
}

TEST_CASE("a tampered signature by a revoked key is refused by both", "[signature][differential]")
{
  // gpg checks the bytes first and calls it bad; RNP's path reads revocation from the key first and
  // calls it revoked. Either way it never counts (docs/ARCHITECTURE.md, signature verification).
  const auto& keys = test::Keys::get();
  const std::string payload = "approve\n";
  const auto verdicts = judge("approve!\n", Corpus::get().sign(payload, keys["rita"].fingerprint + "!"));
  CHECK(verdicts.gpgme.state != gpg::SignatureState::good);
  CHECK(verdicts.rnp.state != gpg::SignatureState::good);
}

TEST_CASE("a tag signed by `git tag -s` gets the same verdict from both", "[signature][differential]")
{
  const auto& keys = test::Keys::get();
  test::TempDir repo;
  const std::string git = "git -C " + quote(repo.path().string());
  sh(git + " init -q && " + git + " -c user.name=Ada -c user.email=ada@example.com commit -q --allow-empty -m first");
  sh(git + " -c user.name=Ada -c user.email=ada@example.com -c user.signingkey=" + keys["ada"].fingerprint +
     "! tag -s -m 'release v1' v1");
  const std::string raw = sh(git + " cat-file tag v1");
  const std::size_t split = raw.find("-----BEGIN PGP SIGNATURE-----");
  REQUIRE(split != std::string::npos);
  const auto verdicts = judge(raw.substr(0, split), raw.substr(split));
  check_same(verdicts, gpg::SignatureState::good);
  CHECK(verdicts.rnp.primary == keys["ada"].fingerprint);
  std::string altered = raw.substr(0, split);
  altered.replace(altered.find("release v1"), 10, "release v2");
  check_same(judge(altered, raw.substr(split)), gpg::SignatureState::bad);
}
