#pragma once
// RAII over gpgme: one library guard, one context per operation. Knows nothing of tollgate.
// gpgme runs the gpg engine itself; tollgate never starts `gpg`.

#include "util/expected.hpp"

#include <gpgme.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace tollgate::gpg {

// Initialises gpgme once (gpgme_check_version must precede everything else).
void ensure_initialised();
// For a command that will sign: ensure_initialised() and gpgme's engine check on a thread of its
// own. The first context gpgme makes asks gpgconf, gpg and gpgsm for their versions and
// directories (five processes, about 50 ms); gpgme keeps the answer for the process. Hold the
// thread until the command is done: it is joined when dropped.
[[nodiscard]] std::jthread load_in_background();

// How many gpg processes this process has had gpgme start (each key lookup, listing, signature,
// verification, import or export runs one), for `--verbose`.
std::size_t processes_started();
// gpgme's version ("1.18.0").
std::string library_version();

// gpgme's message for `error`, prefixed by `what`.
std::string error_message(std::string_view what, gpgme_error_t error);

struct EngineInfo {
  std::string path;
  std::string version;
  std::string home; // empty: the default home directory
};

struct KeyInfo {
  std::string fingerprint;          // primary key, 40 hex
  std::string user_id;              // first user id, "Name <email>"
  std::vector<std::string> subkeys; // fingerprints of the subkeys (the primary's excluded)
  std::int64_t expires = 0;         // the primary key's expiry (seconds since the epoch), 0: never
  bool can_sign = false;
  bool expired = false;
  bool revoked = false;
  bool disabled = false;
  bool invalid = false;
  bool secret = false;
  bool usable_for_signing() const { return can_sign && secret && !expired && !revoked && !disabled && !invalid; }
};

enum class SignatureState {
  good,
  bad,              // the data or the signature was altered
  unknown_key,      // no public key for it in this keyring
  expired_key,      // made by a key that has expired
  revoked_key,      // made by a key that has been revoked
  expired_signature // the signature itself has expired
};
std::string_view to_string(SignatureState state);

struct Verification {
  SignatureState state = SignatureState::bad;
  std::string fingerprint; // the signing key as gpg reports it (may be a subkey), or its key id
  std::int64_t created = 0;
  std::int64_t expires = 0; // the signature's expiry, 0: never
};

class Context {
public:
  // A context on the OpenPGP engine; `home` overrides GNUPGHOME when non-empty.
  static Result<Context> create(const std::string& home = "");

  gpgme_ctx_t get() const { return m_ctx.get(); }
  Result<EngineInfo> engine() const;
  // Keys in the keyring matching `pattern` (all when empty); `secret_only` lists keys with a secret
  // part here.
  Result<std::vector<KeyInfo>> list_keys(bool secret_only, const std::string& pattern = "") const;

  // Whether gpg-agent answers on its socket (after an operation that would have started it).
  bool agent_running() const;

  // Never ask for a passphrase: a key that needs one fails at once (for CI and other
  // non-interactive runs) instead of waiting for a prompt nobody can answer.
  void never_prompt();

  // A detached, ASCII-armored signature of `data` by the secret key `fingerprint`.
  Result<std::string> sign_detached(std::string_view data, const std::string& fingerprint) const;
  // Checks the detached `signature` over `data`; only an unusable signature is an error value.
  Result<Verification> verify_detached(std::string_view signature, std::string_view data) const;
  // The ASCII-armored public key `fingerprint`.
  Result<std::string> export_public_key(const std::string& fingerprint) const;
  // Imports ASCII-armored public keys; returns how many keys were imported or unchanged.
  Result<int> import_keys(std::string_view armored) const;

private:
  struct Free {
    void operator()(gpgme_ctx_t ctx) const { gpgme_release(ctx); }
  };
  struct KeyFree {
    void operator()(gpgme_key_t key) const { gpgme_key_unref(key); }
  };
  explicit Context(gpgme_ctx_t ctx) : m_ctx(ctx) {}
  std::unique_ptr<gpgme_context, Free> m_ctx;
  // The last signing key looked up: each lookup is a gpg process, and a promotion signs four times.
  mutable std::unique_ptr<_gpgme_key, KeyFree> m_signer;
  mutable std::string m_signer_fingerprint;
  // The secret keys the last secret listing returned: choosing the signing key lists them, and
  // signing with one of them then needs no lookup (no second gpg process).
  mutable std::map<std::string, std::unique_ptr<_gpgme_key, KeyFree>, std::less<>> m_listed_secret;
};

} // namespace tollgate::gpg
