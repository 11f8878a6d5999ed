#pragma once
// Signature verdicts cached under `$XDG_CACHE_HOME/tollgate/verified/<trust-root digest>/<tag object
// id>` (DESIGN.md §7.5: outside every repository, out of the checks' reach): a tag object never
// changes, so its verdict holds as long as the trust root (keys, maintainers, policy) is
// byte-identical; a change of either is a different key, never a stale hit. Each entry carries an
// HMAC under the per-user state key (core/state_key.hpp) over the digest, the tag id and the verdict:
// an entry that does not authenticate is a miss, and is overwritten. Time-bound facts (signature
// expiry) are stored and re-judged on every read.

#include "core/trust/signature_verifier.hpp"
#include "git/oid.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace tollgate::core {

class VerifyCache {
public:
  // Entries under `root/<trust_digest>`, authenticated with `key`.
  VerifyCache(const std::filesystem::path& root, std::string key, std::string trust_digest);
  // The user's cache (`user_state_subdir("verified")`, the per-user key); nullopt when that state
  // is unusable: verification then simply is not cached.
  static std::optional<VerifyCache> for_user(const std::string& trust_digest);

  // nullopt when there is no entry or it does not authenticate.
  std::optional<SignatureVerdict> find(const git::Oid& tag) const;
  // Best effort: a cache that cannot be written only costs time.
  void store(const git::Oid& tag, const SignatureVerdict& verification) const;

private:
  std::string mac(const git::Oid& tag, const std::string& line) const;

  std::filesystem::path m_dir;
  std::string m_key;
  std::string m_digest;
};

} // namespace tollgate::core
