#include "gpg/keyring.hpp"

#include "util/sha256.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::gpg {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_index = "tollgate-index";

bool same_hex(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// One line per key: `<primary> <expires> <subkey>...`.
std::string write_index(const std::vector<KeyInfo>& keys)
{
  std::string text;
  for (const auto& key : keys) {
    text += fmt::format("{} {}", key.fingerprint, key.expires);
    for (const auto& sub : key.subkeys) {
      text += ' ' + sub;
    }
    text += '\n';
  }
  return text;
}

Result<std::vector<KeyInfo>> read_index(const fs::path& path)
{
  std::ifstream in(path);
  if (!in) {
    return fail("no index");
  }
  std::vector<KeyInfo> keys;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    KeyInfo key;
    if (!(words >> key.fingerprint >> key.expires)) {
      return fail("corrupt index");
    }
    for (std::string sub; words >> sub;) {
      key.subkeys.push_back(sub);
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

Result<std::vector<KeyInfo>> build(const fs::path& dir, const std::vector<ArmoredKey>& keys)
{
  {
    std::ofstream conf(dir / "gpg.conf");
    conf << "trust-model always\nno-auto-check-trustdb\n";
    if (!conf) {
      return fail(fmt::format("cannot write {}", (dir / "gpg.conf").string()));
    }
  }
  auto context = Context::create(dir.string());
  if (!context) {
    return std::unexpected(context.error());
  }
  for (const auto& key : keys) {
    auto imported = context->import_keys(key.text);
    if (!imported) {
      return fail(fmt::format("{}: {}", key.name, imported.error().message));
    }
    if (*imported == 0) {
      return fail(fmt::format("{}: no OpenPGP public key in it", key.name));
    }
  }
  auto listed = context->list_keys(false);
  if (!listed) {
    return std::unexpected(listed.error());
  }
  std::ofstream index(dir / k_index);
  index << write_index(*listed);
  if (!index.flush()) {
    return fail(fmt::format("cannot write {}", (dir / k_index).string()));
  }
  return listed;
}

} // namespace

Result<Keyring> Keyring::open(const fs::path& cache_root, const std::vector<ArmoredKey>& keys)
{
  util::Sha256 hash;
  for (const auto& key : keys) {
    hash.update_field(key.name).update_field(key.text);
  }
  Keyring keyring;
  keyring.m_digest = hash.hex();
  // Half the digest keeps the path short (gpg's socket paths are limited) and is still 128 bits.
  keyring.m_home = cache_root / keyring.m_digest.substr(0, 32);
  if (auto cached = read_index(keyring.m_home / k_index)) {
    keyring.m_keys = std::move(*cached);
    return keyring;
  }
  std::error_code ec;
  fs::create_directories(cache_root, ec);
  std::string scratch = (cache_root / ".build-XXXXXX").string();
  if (ec || mkdtemp(scratch.data()) == nullptr) {
    return fail(fmt::format("cannot create a keyring under {}", cache_root.string()));
  }
  auto built = build(scratch, keys);
  stop_agent(scratch);
  if (!built) {
    fs::remove_all(scratch, ec);
    return std::unexpected(built.error());
  }
  fs::rename(scratch, keyring.m_home, ec);
  if (ec) {
    // Another process built the same keyring first: use theirs.
    fs::remove_all(scratch, ec);
    auto cached = read_index(keyring.m_home / k_index);
    if (!cached) {
      return fail(fmt::format("cannot build the keyring at {}", keyring.m_home.string()));
    }
    built = std::move(cached);
  }
  keyring.m_keys = std::move(*built);
  return keyring;
}

const KeyInfo* Keyring::owner_of(std::string_view fingerprint) const
{
  const auto matches = [&](const std::string& candidate) {
    if (fingerprint.size() == 16 && candidate.size() == 40) {
      return same_hex(std::string_view(candidate).substr(24), fingerprint);
    }
    return same_hex(candidate, fingerprint);
  };
  for (const auto& key : m_keys) {
    if (matches(key.fingerprint)) {
      return &key;
    }
    for (const auto& sub : key.subkeys) {
      if (matches(sub)) {
        return &key;
      }
    }
  }
  return nullptr;
}

void stop_agent(const fs::path& home)
{
  std::error_code ec;
  const fs::path socket = home / "S.gpg-agent";
  if (!fs::exists(socket, ec)) {
    return;
  }
  ensure_initialised();
  gpgme_ctx_t raw = nullptr;
  if (gpgme_new(&raw) != 0) {
    return;
  }
  const std::unique_ptr<gpgme_context, void (*)(gpgme_ctx_t)> context(raw, &gpgme_release);
  if (gpgme_set_protocol(raw, GPGME_PROTOCOL_ASSUAN) != 0 ||
      gpgme_ctx_set_engine_info(raw, GPGME_PROTOCOL_ASSUAN, socket.c_str(), home.c_str()) != 0) {
    return;
  }
  gpgme_error_t op_error = 0;
  gpgme_op_assuan_transact_ext(raw, "KILLAGENT", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &op_error);
}

} // namespace tollgate::gpg
