#pragma once
// Signature verdicts cached under `.git/tollgate/cache/verified/<trust-root digest>/<tag object id>`:
// a tag object never changes, so its verdict holds as long as the trust root (keys, maintainers,
// policy) is byte-identical; a change of either is a different key, never a stale hit. Time-bound
// facts (signature expiry) are stored and re-judged on every read.

#include "git/oid.hpp"
#include "gpg/context.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace tollgate::core {

struct CachedVerification {
  gpg::SignatureState state = gpg::SignatureState::bad;
  std::string primary; // the signer's primary-key fingerprint; empty when the key is unknown
  std::int64_t created = 0;
  std::int64_t expires = 0;     // the signature's expiry, 0: never
  std::int64_t key_expires = 0; // the signer's primary key's expiry, 0: never
};

class VerifyCache {
public:
  VerifyCache(const std::filesystem::path& git_dir, const std::string& trust_digest);

  std::optional<CachedVerification> find(const git::Oid& tag) const;
  // Best effort: a cache that cannot be written only costs time.
  void store(const git::Oid& tag, const CachedVerification& verification) const;

private:
  std::filesystem::path m_dir;
};

} // namespace tollgate::core
