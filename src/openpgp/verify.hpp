#pragma once
// Detached OpenPGP signatures checked in-process with RNP against a keyring held in memory: no gpg
// process, no agent, no home directory. Knows nothing of tollgate.

#include "openpgp/keys.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tollgate::openpgp {

enum class SignatureStatus {
  good,
  bad,              // the data or the signature was altered, or it is not one signature
  unknown_key,      // no key in the keyring made it
  expired_key,      // its key (or the subkey that signed) has expired
  revoked_key,      // its key (or the subkey that signed) has been revoked
  expired_signature // the signature itself has expired
};

struct SignatureCheck {
  SignatureStatus status = SignatureStatus::bad;
  // The primary key's fingerprint (upper-case hex); for an unknown key, the issuer the signature
  // names (a fingerprint or a 16-hex key id), or "".
  std::string signer;
  std::int64_t created = 0;
  std::int64_t expires = 0;     // the signature's expiry (seconds since the epoch), 0: never
  std::int64_t key_expires = 0; // the primary key's expiry, 0: never
};

struct KeyFile {
  std::string_view name; // for messages
  std::string_view text; // armored or binary public keys, revocation certificates after them
};

// To call first thing in main, before any thread: RNP's crypto library (Botan) would otherwise lock
// a pool of memory page by page, with guard pages (about 500 system calls) on first use, to hold
// secret keys; verification handles public data only. A value the user set is left alone.
void configure_process();

// Whether RNP can be used here (librnp.so.0 loads on first use); the error says why not and what to
// install: an environment failure, not a verdict on any key.
Result<void> available();

// For a command about to verify: starts loading librnp (and Botan with it: about 6 ms here) on a
// thread of its own, so that the first verification finds it loaded, its cost hidden behind the
// command's other work (opening the repository, reading the trust root). Hold the thread until the
// command is done: it is joined when dropped, never left loading while the process exits.
[[nodiscard]] std::jthread load_in_background();

class Keyring {
public:
  // The keys of `files`; an error naming the first file that holds no public key.
  static Result<Keyring> load(std::span<const KeyFile> files);
  // load(), once per process for the same files (names and texts): the trust-root check, the
  // approvals check and a release's verification meet the same keys, and importing a key (its
  // self-signatures checked) costs about as much as verifying a signature.
  static Result<std::shared_ptr<const Keyring>> shared(std::span<const KeyFile> files);
  Keyring(Keyring&&) noexcept;
  Keyring& operator=(Keyring&&) noexcept;
  ~Keyring();

  // Checks the detached `signature` (armored or binary) over `data`. Not for concurrent use: RNP's
  // context is not thread-safe, and a check takes microseconds.
  SignatureCheck verify_detached(std::string_view signature, std::string_view data) const;
  // Every primary key of the keyring, as read_public_keys describes them.
  std::vector<PublicKey> primary_keys() const;

private:
  struct State;
  explicit Keyring(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

} // namespace tollgate::openpgp
