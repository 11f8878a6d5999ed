#include "openpgp/keys.hpp"

#include "openpgp/ffi.hpp"

#include <fmt/format.h>
#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

namespace tollgate::openpgp {

namespace {

using ffi::flag;
using ffi::take;

bool usable_for_signing(rnp_key_handle_t key)
{
  bool allows = false;
  return TOLLGATE_RNP(rnp_key_allows_usage)(key, "sign", &allows) == RNP_SUCCESS && allows &&
         flag(TOLLGATE_RNP(rnp_key_is_valid), key);
}

PublicKey describe(rnp_key_handle_t key)
{
  PublicKey info;
  char* fingerprint = nullptr;
  TOLLGATE_RNP(rnp_key_get_fprint)(key, &fingerprint);
  info.fingerprint = ffi::upper(take(fingerprint));
  char* uid = nullptr;
  if (TOLLGATE_RNP(rnp_key_get_primary_uid)(key, &uid) == RNP_SUCCESS) {
    info.user_id = take(uid);
  }
  info.revoked = flag(TOLLGATE_RNP(rnp_key_is_revoked), key);
  info.valid = flag(TOLLGATE_RNP(rnp_key_is_valid), key);
  std::uint64_t till = 0;
  if (TOLLGATE_RNP(rnp_key_valid_till64)(key, &till) == RNP_SUCCESS) {
    info.valid_till = till;
  }
  info.can_sign = usable_for_signing(key);
  std::size_t subkeys = 0;
  TOLLGATE_RNP(rnp_key_get_subkey_count)(key, &subkeys);
  for (std::size_t i = 0; i < subkeys && !info.can_sign; ++i) {
    rnp_key_handle_t raw = nullptr;
    if (TOLLGATE_RNP(rnp_key_get_subkey_at)(key, i, &raw) == RNP_SUCCESS) {
      const ffi::Key subkey(raw);
      info.can_sign = usable_for_signing(subkey.get());
    }
  }
  return info;
}

// The primary keys `data` adds to the empty context `ffi`.
Result<std::vector<PublicKey>> read_into(const ffi::Ffi& ffi, std::string_view data)
{
  if (auto imported = ffi::import_key_data(ffi.get(), data); !imported) {
    return std::unexpected(imported.error());
  }
  std::vector<PublicKey> keys = ffi::primary_keys_of(ffi.get());
  if (keys.empty()) {
    return fail("holds no OpenPGP public key");
  }
  return keys;
}

} // namespace

namespace ffi {

std::vector<PublicKey> primary_keys_of(rnp_ffi_t ffi)
{
  std::vector<PublicKey> keys;
  rnp_identifier_iterator_t raw_it = nullptr;
  if (TOLLGATE_RNP(rnp_identifier_iterator_create)(ffi, &raw_it, "fingerprint") != RNP_SUCCESS) {
    return keys;
  }
  const ffi::Iterator it(raw_it);
  const char* fingerprint = nullptr;
  while (TOLLGATE_RNP(rnp_identifier_iterator_next)(it.get(), &fingerprint) == RNP_SUCCESS && fingerprint != nullptr) {
    rnp_key_handle_t raw_key = nullptr;
    if (TOLLGATE_RNP(rnp_locate_key)(ffi, "fingerprint", fingerprint, &raw_key) != RNP_SUCCESS || raw_key == nullptr) {
      continue;
    }
    const ffi::Key key(raw_key);
    if (flag(TOLLGATE_RNP(rnp_key_is_primary), key.get())) {
      keys.push_back(describe(key.get()));
    }
  }
  return keys;
}

} // namespace ffi

Result<std::vector<PublicKey>> read_public_keys(std::string_view data)
{
  auto context = ffi::create();
  if (!context) {
    return std::unexpected(context.error());
  }
  const ffi::QuietStderr quiet;
  return read_into(*context, data);
}

std::vector<Result<std::vector<PublicKey>>> read_public_keys_each(std::span<const std::string_view> files)
{
  std::vector<Result<std::vector<PublicKey>>> results;
  results.reserve(files.size());
  auto context = ffi::create();
  if (!context) {
    results.assign(files.size(), std::unexpected(context.error()));
    return results;
  }
  const ffi::QuietStderr quiet;
  for (const std::string_view data : files) {
    // Emptied between files: each file's keys are read alone, as read_public_keys reads them.
    if (TOLLGATE_RNP(rnp_unload_keys)(context->get(), RNP_KEY_UNLOAD_PUBLIC | RNP_KEY_UNLOAD_SECRET) != RNP_SUCCESS) {
      results.emplace_back(fail("cannot empty RNP's keyring"));
      continue;
    }
    results.push_back(read_into(*context, data));
  }
  return results;
}

} // namespace tollgate::openpgp
