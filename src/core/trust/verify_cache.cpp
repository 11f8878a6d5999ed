#include "core/trust/verify_cache.hpp"

#include "core/trust/state_key.hpp"
#include "util/hmac.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::core {

namespace {

constexpr std::array k_states = {gpg::SignatureState::good,        gpg::SignatureState::bad,
                                 gpg::SignatureState::unknown_key, gpg::SignatureState::expired_key,
                                 gpg::SignatureState::revoked_key, gpg::SignatureState::expired_signature};

constexpr const char* k_purpose = "tollgate verified v1";

} // namespace

VerifyCache::VerifyCache(const std::filesystem::path& root, std::string key, std::string trust_digest)
    : m_dir(root / trust_digest), m_key(std::move(key)), m_digest(std::move(trust_digest))
{
}

std::optional<VerifyCache> VerifyCache::for_user(const std::string& trust_digest)
{
  auto root = user_state_subdir("verified");
  if (!root) {
    return std::nullopt;
  }
  auto key = state_key();
  if (!key) {
    return std::nullopt;
  }
  return VerifyCache(*root, std::move(*key), trust_digest);
}

std::string VerifyCache::mac(const git::Oid& tag, const std::string& line) const
{
  return state_mac(m_key, k_purpose, fmt::format("{}\n{}\n{}", m_digest, tag.hex(), line));
}

std::optional<SignatureVerdict> VerifyCache::find(const git::Oid& tag) const
{
  std::ifstream in(m_dir / tag.hex());
  std::string line;
  std::string stored_mac;
  if (!in || !std::getline(in, line) || !std::getline(in, stored_mac) ||
      !util::equal_constant_time(stored_mac, mac(tag, line))) {
    return std::nullopt;
  }
  std::istringstream fields(line);
  int state = -1;
  SignatureVerdict entry;
  if (!(fields >> state >> entry.created >> entry.expires >> entry.key_expires) || state < 0 ||
      state >= static_cast<int>(k_states.size())) {
    return std::nullopt;
  }
  fields >> entry.primary; // "-" for an unknown key
  if (entry.primary == "-") {
    entry.primary.clear();
  }
  entry.state = k_states[static_cast<std::size_t>(state)];
  return entry;
}

void VerifyCache::store(const git::Oid& tag, const SignatureVerdict& verification) const
{
  if (::mkdir(m_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return;
  }
  int state = 0;
  for (std::size_t i = 0; i < k_states.size(); ++i) {
    if (k_states[i] == verification.state) {
      state = static_cast<int>(i);
    }
  }
  const std::string line =
      fmt::format("{} {} {} {} {}", state, verification.created, verification.expires, verification.key_expires,
                  verification.primary.empty() ? "-" : verification.primary);
  std::error_code ec;
  const std::filesystem::path target = m_dir / tag.hex();
  const std::filesystem::path scratch = m_dir / fmt::format(".{}.{}", tag.hex(), getpid());
  {
    std::ofstream out(scratch);
    out << line << '\n' << mac(tag, line) << '\n';
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
