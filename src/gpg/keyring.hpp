#pragma once
// A GnuPG home built from armored public keys (e.g. the ones a repository keeps), cached by the keys'
// content so that repeated verifications do not re-import. Knows nothing of tollgate.

#include "gpg/context.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::gpg {

struct ArmoredKey {
  std::string name; // where it came from, for messages
  std::string text;
};

class Keyring {
public:
  // The home holding exactly `keys`: reused from `cache_root/<digest>` when a previous run built it
  // from byte-identical keys, else built in a scratch directory and renamed into place (concurrent
  // builders are safe: one rename wins). Its gpg.conf sets `trust-model always`: trust comes from
  // the caller's list of maintainers, not from gpg's web of trust.
  static Result<Keyring> open(const std::filesystem::path& cache_root, const std::vector<ArmoredKey>& keys);

  const std::filesystem::path& home() const { return m_home; }
  // SHA-256 over the keys' names and bytes.
  const std::string& digest() const { return m_digest; }
  const std::vector<KeyInfo>& keys() const { return m_keys; }
  // The key that `fingerprint` (a primary or subkey fingerprint, or a 16-hex key id) belongs to;
  // nullptr when it is not in this keyring.
  const KeyInfo* owner_of(std::string_view fingerprint) const;
  Result<Context> context() const { return Context::create(m_home.string()); }

private:
  std::filesystem::path m_home;
  std::string m_digest;
  std::vector<KeyInfo> m_keys;
};

// Asks the gpg-agent of `home`, if one runs, to exit (GnuPG's KILLAGENT over its socket).
void stop_agent(const std::filesystem::path& home);

} // namespace tollgate::gpg
