#pragma once
// RAII over gpgme: one library guard, one context per operation. Knows nothing of tollgate.
// gpgme runs the gpg engine itself; tollgate never starts `gpg`.

#include "util/expected.hpp"

#include <gpgme.h>

#include <memory>
#include <string>
#include <vector>

namespace tollgate::gpg {

// Initialises gpgme once (gpgme_check_version must precede everything else).
void ensure_initialised();

// gpgme's message for `error`, prefixed by `what`.
std::string error_message(std::string_view what, gpgme_error_t error);

struct EngineInfo {
  std::string path;
  std::string version;
  std::string home; // empty: the default home directory
};

struct KeyInfo {
  std::string fingerprint; // primary key, 40 hex
  std::string user_id;     // first user id, "Name <email>"
  bool can_sign = false;
  bool expired = false;
  bool revoked = false;
  bool disabled = false;
  bool invalid = false;
  bool secret = false;
  bool usable_for_signing() const { return can_sign && secret && !expired && !revoked && !disabled && !invalid; }
};

class Context {
public:
  // A context on the OpenPGP engine; `home` overrides GNUPGHOME when non-empty.
  static Result<Context> create(const std::string& home = "");

  gpgme_ctx_t get() const { return m_ctx.get(); }
  Result<EngineInfo> engine() const;
  // Keys in the keyring; `secret_only` lists keys with a secret part here.
  Result<std::vector<KeyInfo>> list_keys(bool secret_only) const;

private:
  struct Free {
    void operator()(gpgme_ctx_t ctx) const { gpgme_release(ctx); }
  };
  explicit Context(gpgme_ctx_t ctx) : m_ctx(ctx) {}
  std::unique_ptr<gpgme_context, Free> m_ctx;
};

} // namespace tollgate::gpg
