#include "openpgp/verify.hpp"

#include "openpgp/ffi.hpp"
#include "util/memo.hpp"
#include "util/sha256.hpp"

#include <fmt/format.h>
#include <rnp/rnp_err.h>

#include <cstdlib>
#include <ctime>

namespace tollgate::openpgp {

struct Keyring::State {
  ffi::Ffi context; // its log goes to /dev/null (ffi::create): RNP's diagnostics are not tollgate's output
};

namespace {

// How many armored blocks `text` holds (0 for binary data).
std::size_t armored_blocks(std::string_view text)
{
  std::size_t count = 0;
  for (std::size_t at = text.find("-----BEGIN PGP "); at != std::string_view::npos;
       at = text.find("-----BEGIN PGP ", at + 1)) {
    ++count;
  }
  return count;
}

// The key's declared expiry (creation plus its lifetime, as gpg reports it), 0: never. Not
// rnp_key_valid_till64, which also ends a revoked key's validity at the time it is read or revoked.
std::int64_t expiry_of(rnp_key_handle_t key)
{
  std::uint32_t created = 0;
  std::uint32_t lifetime = 0;
  if (TOLLGATE_RNP(rnp_key_get_creation)(key, &created) != RNP_SUCCESS ||
      TOLLGATE_RNP(rnp_key_get_expiration)(key, &lifetime) != RNP_SUCCESS || lifetime == 0) {
    return 0;
  }
  return static_cast<std::int64_t>(created) + lifetime;
}

// The primary key of `key` (itself when it is one), or null.
ffi::Key primary_of(rnp_ffi_t context, rnp_key_handle_t key)
{
  if (ffi::flag(TOLLGATE_RNP(rnp_key_is_primary), key)) {
    char* fingerprint = nullptr;
    TOLLGATE_RNP(rnp_key_get_fprint)(key, &fingerprint);
    const std::string own = ffi::take(fingerprint);
    rnp_key_handle_t raw = nullptr;
    TOLLGATE_RNP(rnp_locate_key)(context, "fingerprint", own.c_str(), &raw);
    return ffi::Key(raw);
  }
  char* fingerprint = nullptr;
  if (TOLLGATE_RNP(rnp_key_get_primary_fprint)(key, &fingerprint) != RNP_SUCCESS) {
    return ffi::Key(nullptr);
  }
  const std::string primary = ffi::take(fingerprint);
  rnp_key_handle_t raw = nullptr;
  TOLLGATE_RNP(rnp_locate_key)(context, "fingerprint", primary.c_str(), &raw);
  return ffi::Key(raw);
}

std::string fingerprint_of(rnp_key_handle_t key)
{
  char* fingerprint = nullptr;
  TOLLGATE_RNP(rnp_key_get_fprint)(key, &fingerprint);
  return ffi::upper(ffi::take(fingerprint));
}

// The issuer a signature names: its issuer fingerprint subpacket, else its key id.
std::string issuer_of(rnp_op_verify_signature_t signature)
{
  rnp_signature_handle_t raw = nullptr;
  if (TOLLGATE_RNP(rnp_op_verify_signature_get_handle)(signature, &raw) != RNP_SUCCESS) {
    return "";
  }
  const ffi::Signature handle(raw);
  char* text = nullptr;
  if (TOLLGATE_RNP(rnp_signature_get_key_fprint)(handle.get(), &text) == RNP_SUCCESS && text != nullptr) {
    if (std::string fingerprint = ffi::take(text); !fingerprint.empty()) {
      return ffi::upper(fingerprint);
    }
  }
  text = nullptr;
  if (TOLLGATE_RNP(rnp_signature_get_keyid)(handle.get(), &text) == RNP_SUCCESS) {
    return ffi::upper(ffi::take(text));
  }
  return "";
}

} // namespace

void configure_process()
{
  ::setenv("BOTAN_MLOCK_POOL_SIZE", "0", 0); // NOLINT(concurrency-mt-unsafe): before any thread
}

Result<void> available()
{
  return ffi::rnp_loaded();
}

std::jthread load_in_background()
{
  return ffi::load_in_background();
}

Keyring::Keyring(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Keyring::Keyring(Keyring&&) noexcept = default;
Keyring& Keyring::operator=(Keyring&&) noexcept = default;
Keyring::~Keyring() = default;

Result<Keyring> Keyring::load(std::span<const KeyFile> files)
{
  auto context = ffi::create();
  if (!context) {
    return std::unexpected(context.error());
  }
  auto state = std::make_unique<State>();
  state->context = std::move(*context);
  const ffi::QuietStderr quiet;
  for (const KeyFile& file : files) {
    if (auto imported = ffi::import_key_data(state->context.get(), file.text); !imported) {
      return fail(fmt::format("{}: {}", file.name, imported.error().message));
    }
  }
  return Keyring(std::move(state));
}

Result<std::shared_ptr<const Keyring>> Keyring::shared(std::span<const KeyFile> files)
{
  util::Sha256 digest;
  for (const KeyFile& file : files) {
    digest.update_field(file.name).update_field(file.text);
  }
  // Never destroyed: at exit, Botan may already have torn down the allocator its contexts free into.
  static auto& loaded = *new util::Memo<std::string, Result<std::shared_ptr<const Keyring>>>();
  return loaded.get(digest.hex(), [&]() -> Result<std::shared_ptr<const Keyring>> {
    auto keyring = load(files);
    if (!keyring) {
      return std::unexpected(keyring.error());
    }
    return std::make_shared<const Keyring>(std::move(*keyring));
  });
}

std::vector<PublicKey> Keyring::primary_keys() const
{
  const ffi::QuietStderr quiet;
  return ffi::primary_keys_of(m_state->context.get());
}

SignatureCheck Keyring::verify_detached(std::string_view signature, std::string_view data) const
{
  SignatureCheck check;
  if (armored_blocks(signature) > 1) {
    return check; // several signatures: not our format (RNP would read the first only)
  }
  const ffi::QuietStderr quiet;
  auto data_input = ffi::input_over(data);
  auto signature_input = ffi::input_over(signature);
  if (!data_input || !signature_input) {
    return check;
  }
  rnp_ffi_t context = m_state->context.get();
  rnp_op_verify_t raw = nullptr;
  if (TOLLGATE_RNP(rnp_op_verify_detached_create)(&raw, context, data_input->get(), signature_input->get()) !=
      RNP_SUCCESS) {
    return check;
  }
  const ffi::Verify op(raw);
  TOLLGATE_RNP(rnp_op_verify_execute)(op.get()); // the verdict is read per signature below
  std::size_t count = 0;
  if (TOLLGATE_RNP(rnp_op_verify_get_signature_count)(op.get(), &count) != RNP_SUCCESS || count != 1) {
    return check; // none is not a signature; several is not our format (one signer per object)
  }
  rnp_op_verify_signature_t signature_info = nullptr;
  if (TOLLGATE_RNP(rnp_op_verify_get_signature_at)(op.get(), 0, &signature_info) != RNP_SUCCESS) {
    return check;
  }
  std::uint32_t created = 0;
  std::uint32_t lifetime = 0;
  TOLLGATE_RNP(rnp_op_verify_signature_get_times)(signature_info, &created, &lifetime);
  check.created = created;
  check.expires = lifetime != 0 ? static_cast<std::int64_t>(created) + lifetime : 0;

  const rnp_result_t status = TOLLGATE_RNP(rnp_op_verify_signature_get_status)(signature_info);
  rnp_key_handle_t raw_key = nullptr;
  if (status == RNP_ERROR_KEY_NOT_FOUND ||
      TOLLGATE_RNP(rnp_op_verify_signature_get_key)(signature_info, &raw_key) != RNP_SUCCESS || raw_key == nullptr) {
    check.status = status == RNP_ERROR_KEY_NOT_FOUND ? SignatureStatus::unknown_key : SignatureStatus::bad;
    check.signer = issuer_of(signature_info);
    return check;
  }
  const ffi::Key signing_key(raw_key);
  const ffi::Key primary = primary_of(context, signing_key.get());
  if (!primary) {
    return check;
  }
  check.signer = fingerprint_of(primary.get());
  check.key_expires = expiry_of(primary.get());
  const std::int64_t now = std::time(nullptr);
  const auto expired = [now](rnp_key_handle_t key) {
    const std::int64_t till = expiry_of(key);
    return till != 0 && till <= now;
  };
  // Revocation and expiry are read from the keys: RNP refuses a signature whose key is not valid as
  // "invalid" without saying why, where gpg names the reason. A revoked or expired key's signature is
  // refused as such, whatever its bytes.
  if (ffi::flag(TOLLGATE_RNP(rnp_key_is_revoked), primary.get()) ||
      ffi::flag(TOLLGATE_RNP(rnp_key_is_revoked), signing_key.get())) {
    check.status = SignatureStatus::revoked_key;
  } else if (expired(primary.get()) || expired(signing_key.get())) {
    check.status = SignatureStatus::expired_key;
  } else if (status == RNP_SUCCESS) {
    check.status = SignatureStatus::good;
  } else if (status == RNP_ERROR_SIGNATURE_EXPIRED) {
    check.status = SignatureStatus::expired_signature;
  } else {
    check.status = SignatureStatus::bad;
  }
  return check;
}

} // namespace tollgate::openpgp
