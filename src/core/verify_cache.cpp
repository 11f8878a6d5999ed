#include "core/verify_cache.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace tollgate::core {

namespace {

constexpr std::array k_states = {gpg::SignatureState::good,        gpg::SignatureState::bad,
                                 gpg::SignatureState::unknown_key, gpg::SignatureState::expired_key,
                                 gpg::SignatureState::revoked_key, gpg::SignatureState::expired_signature};

} // namespace

VerifyCache::VerifyCache(const std::filesystem::path& git_dir, const std::string& trust_digest)
    : m_dir(git_dir / "tollgate" / "cache" / "verified" / trust_digest)
{
}

std::optional<CachedVerification> VerifyCache::find(const git::Oid& tag) const
{
  std::ifstream in(m_dir / tag.hex());
  if (!in) {
    return std::nullopt;
  }
  int state = -1;
  CachedVerification entry;
  if (!(in >> state >> entry.created >> entry.expires >> entry.key_expires) || state < 0 ||
      state >= static_cast<int>(k_states.size())) {
    return std::nullopt;
  }
  in >> entry.primary; // absent for an unknown key
  if (entry.primary == "-") {
    entry.primary.clear();
  }
  entry.state = k_states[static_cast<std::size_t>(state)];
  return entry;
}

void VerifyCache::store(const git::Oid& tag, const CachedVerification& verification) const
{
  std::error_code ec;
  std::filesystem::create_directories(m_dir, ec);
  if (ec) {
    return;
  }
  int state = 0;
  for (std::size_t i = 0; i < k_states.size(); ++i) {
    if (k_states[i] == verification.state) {
      state = static_cast<int>(i);
    }
  }
  const std::filesystem::path target = m_dir / tag.hex();
  const std::filesystem::path scratch = m_dir / fmt::format(".{}.{}", tag.hex(), getpid());
  {
    std::ofstream out(scratch);
    out << fmt::format("{} {} {} {} {}\n", state, verification.created, verification.expires, verification.key_expires,
                       verification.primary.empty() ? "-" : verification.primary);
    if (!out.flush()) {
      std::filesystem::remove(scratch, ec);
      return;
    }
  }
  std::filesystem::rename(scratch, target, ec);
  if (ec) {
    std::filesystem::remove(scratch, ec);
  }
}

} // namespace tollgate::core
