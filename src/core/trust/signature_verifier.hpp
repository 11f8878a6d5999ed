#pragma once
// Who signed a signed object, judged against the trust root's keys (DESIGN.md §3). In-process with
// RNP by default (openpgp/verify.hpp: microseconds a signature, no process); through gpgme and a gpg
// home built from the same keys with `gpg.verify: gpgme` (gpg/keyring.hpp: a gpg process a
// signature). Both give the same verdicts (tests/core/signature_verifier_test.cpp).

#include "core/config/config.hpp"
#include "gpg/context.hpp"
#include "gpg/keyring.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

struct SignatureVerdict {
  gpg::SignatureState state = gpg::SignatureState::bad;
  std::string primary; // the signer's primary-key fingerprint; for an unknown key what the signature names
  std::int64_t created = 0;
  std::int64_t expires = 0;     // the signature's expiry, 0: never
  std::int64_t key_expires = 0; // the signer's primary key's expiry, 0: never
};

// A signed object split into what was signed and its detached signature.
struct SignedBytes {
  std::string_view payload;
  std::string_view signature;
};

class SignatureVerifier {
public:
  // The verifier for `keys`, whose digest (trust_root.hpp) is `digest`. With RNP the keyring is
  // loaded once per process and digest; with gpgme it is the cached gpg home of those keys.
  static Result<SignatureVerifier> open(const std::vector<gpg::ArmoredKey>& keys, const std::string& digest,
                                        VerifyBackend backend);

  // One verdict per item, in order. With gpgme, a few gpg processes run at a time.
  Result<std::vector<SignatureVerdict>> verify(std::span<const SignedBytes> items) const;
  Result<SignatureVerdict> verify(const SignedBytes& item) const;

private:
  struct Backend;
  explicit SignatureVerifier(std::shared_ptr<const Backend> backend) : m_backend(std::move(backend)) {}
  std::shared_ptr<const Backend> m_backend;
};

} // namespace tollgate::core
