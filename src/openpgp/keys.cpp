#include "openpgp/keys.hpp"

#include <fmt/format.h>
#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace tollgate::openpgp {

namespace {

struct FfiDeleter {
  void operator()(rnp_ffi_t ffi) const { rnp_ffi_destroy(ffi); }
};
struct InputDeleter {
  void operator()(rnp_input_t input) const { rnp_input_destroy(input); }
};
struct KeyDeleter {
  void operator()(rnp_key_handle_t key) const { rnp_key_handle_destroy(key); }
};
struct IteratorDeleter {
  void operator()(rnp_identifier_iterator_t it) const { rnp_identifier_iterator_destroy(it); }
};
using Ffi = std::unique_ptr<std::remove_pointer_t<rnp_ffi_t>, FfiDeleter>;
using Input = std::unique_ptr<std::remove_pointer_t<rnp_input_t>, InputDeleter>;
using Key = std::unique_ptr<std::remove_pointer_t<rnp_key_handle_t>, KeyDeleter>;
using Iterator = std::unique_ptr<std::remove_pointer_t<rnp_identifier_iterator_t>, IteratorDeleter>;

// A string RNP allocated, freed with rnp_buffer_destroy.
std::string take(char* buffer)
{
  std::string text = buffer != nullptr ? buffer : "";
  rnp_buffer_destroy(buffer);
  return text;
}

bool flag(rnp_result_t (*query)(rnp_key_handle_t, bool*), rnp_key_handle_t key)
{
  bool value = false;
  return query(key, &value) == RNP_SUCCESS && value;
}

bool usable_for_signing(rnp_key_handle_t key)
{
  bool allows = false;
  return rnp_key_allows_usage(key, "sign", &allows) == RNP_SUCCESS && allows && flag(rnp_key_is_valid, key);
}

PublicKey describe(rnp_key_handle_t key)
{
  PublicKey info;
  char* fingerprint = nullptr;
  rnp_key_get_fprint(key, &fingerprint);
  info.fingerprint = take(fingerprint);
  std::transform(info.fingerprint.begin(), info.fingerprint.end(), info.fingerprint.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  char* uid = nullptr;
  if (rnp_key_get_primary_uid(key, &uid) == RNP_SUCCESS) {
    info.user_id = take(uid);
  }
  info.revoked = flag(rnp_key_is_revoked, key);
  info.valid = flag(rnp_key_is_valid, key);
  std::uint64_t till = 0;
  if (rnp_key_valid_till64(key, &till) == RNP_SUCCESS) {
    info.valid_till = till;
  }
  info.can_sign = usable_for_signing(key);
  std::size_t subkeys = 0;
  rnp_key_get_subkey_count(key, &subkeys);
  for (std::size_t i = 0; i < subkeys && !info.can_sign; ++i) {
    rnp_key_handle_t raw = nullptr;
    if (rnp_key_get_subkey_at(key, i, &raw) == RNP_SUCCESS) {
      const Key subkey(raw);
      info.can_sign = usable_for_signing(subkey.get());
    }
  }
  return info;
}

// The armored blocks of `data` (each BEGIN .. END line), or all of it when it holds none (binary).
std::vector<std::string_view> blocks_of(std::string_view data)
{
  std::vector<std::string_view> blocks;
  constexpr std::string_view k_begin = "-----BEGIN PGP ";
  constexpr std::string_view k_end = "-----END PGP ";
  for (std::size_t at = data.find(k_begin); at != std::string_view::npos; at = data.find(k_begin, at)) {
    const std::size_t end = data.find(k_end, at);
    if (end == std::string_view::npos) {
      blocks.push_back(data.substr(at));
      break;
    }
    const std::size_t line_end = std::min(data.find('\n', end), data.size());
    blocks.push_back(data.substr(at, line_end - at));
    at = line_end;
  }
  if (blocks.empty() && !data.empty()) {
    blocks.push_back(data);
  }
  return blocks;
}

enum class Imported { key, signature, neither };

// Imports one block: a public key, or standalone signatures such as the revocation certificate kept
// after a key. What the block holds is guessed first (RNP only peeks), so that data it cannot take
// is refused without RNP's own parser complaining on stderr.
Imported import_block(rnp_ffi_t ffi, std::string_view block)
{
  rnp_input_t raw_input = nullptr;
  if (rnp_input_from_memory(&raw_input, reinterpret_cast<const std::uint8_t*>(block.data()), block.size(), false) !=
      RNP_SUCCESS) {
    return Imported::neither;
  }
  const Input input(raw_input);
  char* guessed = nullptr;
  if (rnp_guess_contents(input.get(), &guessed) != RNP_SUCCESS) {
    rnp_buffer_destroy(guessed);
    return Imported::neither;
  }
  const std::string contents = take(guessed);
  char* results = nullptr;
  Imported imported = Imported::neither;
  if (contents == "public key") {
    if (rnp_import_keys(ffi, input.get(), RNP_LOAD_SAVE_PUBLIC_KEYS, &results) == RNP_SUCCESS) {
      imported = Imported::key;
    }
  } else if (contents == "signature") {
    if (rnp_import_signatures(ffi, input.get(), 0, &results) == RNP_SUCCESS) {
      imported = Imported::signature;
    }
  }
  rnp_buffer_destroy(results);
  return imported;
}

} // namespace

Result<std::vector<PublicKey>> read_public_keys(std::string_view data)
{
  rnp_ffi_t raw_ffi = nullptr;
  if (rnp_ffi_create(&raw_ffi, "GPG", "GPG") != RNP_SUCCESS) {
    return fail("cannot start RNP");
  }
  const Ffi ffi(raw_ffi);
  // Keys first, then the signatures over them (a revocation may come before its key in a file).
  std::vector<std::string_view> signatures;
  for (const std::string_view block : blocks_of(data)) {
    rnp_input_t raw_input = nullptr;
    if (rnp_input_from_memory(&raw_input, reinterpret_cast<const std::uint8_t*>(block.data()), block.size(), false) !=
        RNP_SUCCESS) {
      return fail("cannot read the key data");
    }
    const Input input(raw_input);
    char* guessed = nullptr;
    const bool known = rnp_guess_contents(input.get(), &guessed) == RNP_SUCCESS;
    const std::string contents = take(guessed);
    if (known && contents == "signature") {
      signatures.push_back(block);
    } else if (import_block(ffi.get(), block) != Imported::key) {
      return fail("not an OpenPGP public key");
    }
  }
  for (const std::string_view block : signatures) {
    if (import_block(ffi.get(), block) != Imported::signature) {
      return fail("holds a signature OpenPGP cannot read");
    }
  }
  rnp_identifier_iterator_t raw_it = nullptr;
  if (rnp_identifier_iterator_create(ffi.get(), &raw_it, "fingerprint") != RNP_SUCCESS) {
    return fail("cannot list the keys read");
  }
  const Iterator it(raw_it);
  std::vector<PublicKey> keys;
  const char* fingerprint = nullptr;
  while (rnp_identifier_iterator_next(it.get(), &fingerprint) == RNP_SUCCESS && fingerprint != nullptr) {
    rnp_key_handle_t raw_key = nullptr;
    if (rnp_locate_key(ffi.get(), "fingerprint", fingerprint, &raw_key) != RNP_SUCCESS || raw_key == nullptr) {
      continue;
    }
    const Key key(raw_key);
    if (flag(rnp_key_is_primary, key.get())) {
      keys.push_back(describe(key.get()));
    }
  }
  if (keys.empty()) {
    return fail("holds no OpenPGP public key");
  }
  return keys;
}

} // namespace tollgate::openpgp
