#include "gpg/context.hpp"

#include <fmt/format.h>

#include <atomic>
#include <clocale>
#include <mutex>

namespace tollgate::gpg {

namespace {

std::atomic<std::size_t> g_processes{0}; // see processes_started()

constexpr const char* k_gpg_missing = "gpg not found: install gnupg (gpgme found no OpenPGP engine on PATH)";

struct DataFree {
  void operator()(gpgme_data_t data) const { gpgme_data_release(data); }
};
using DataPtr = std::unique_ptr<gpgme_data, DataFree>;
struct KeyFree {
  void operator()(gpgme_key_t key) const { gpgme_key_unref(key); }
};
using KeyPtr = std::unique_ptr<_gpgme_key, KeyFree>;

// A read-only view of `bytes` (not copied: `bytes` must outlive it).
Result<DataPtr> data_over(std::string_view bytes)
{
  gpgme_data_t raw = nullptr;
  if (gpgme_error_t error = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 0); error != 0) {
    return fail(error_message("cannot pass data to gpgme", error));
  }
  return DataPtr(raw);
}

Result<DataPtr> empty_data()
{
  gpgme_data_t raw = nullptr;
  if (gpgme_error_t error = gpgme_data_new(&raw); error != 0) {
    return fail(error_message("cannot allocate gpgme data", error));
  }
  return DataPtr(raw);
}

std::string release_to_string(DataPtr data)
{
  std::size_t size = 0;
  char* bytes = gpgme_data_release_and_get_mem(data.release(), &size);
  std::string text(bytes != nullptr ? bytes : "", size);
  gpgme_free(bytes);
  return text;
}

} // namespace

std::string_view to_string(SignatureState state)
{
  switch (state) {
  case SignatureState::good:
    return "good";
  case SignatureState::bad:
    return "bad signature";
  case SignatureState::unknown_key:
    return "unknown key";
  case SignatureState::expired_key:
    return "expired key";
  case SignatureState::revoked_key:
    return "revoked key";
  case SignatureState::expired_signature:
    return "expired signature";
  }
  return "bad signature";
}

bool Context::agent_running() const
{
  gpgme_ctx_t raw = nullptr;
  if (gpgme_new(&raw) != 0) {
    return false;
  }
  const std::unique_ptr<gpgme_context, Free> agent(raw);
  gpgme_error_t status = 0;
  return gpgme_set_protocol(raw, GPGME_PROTOCOL_ASSUAN) == 0 &&
         gpgme_op_assuan_transact_ext(raw, "GETINFO version", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                      &status) == 0 &&
         status == 0;
}

void Context::never_prompt()
{
  gpgme_set_pinentry_mode(m_ctx.get(), GPGME_PINENTRY_MODE_ERROR);
}

Result<std::string> Context::sign_detached(std::string_view data, const std::string& fingerprint) const
{
  if (auto listed = m_listed_secret.find(fingerprint);
      (!m_signer || m_signer_fingerprint != fingerprint) && listed != m_listed_secret.end()) {
    gpgme_key_ref(listed->second.get());
    m_signer.reset(listed->second.get());
    m_signer_fingerprint = fingerprint;
  }
  if (!m_signer || m_signer_fingerprint != fingerprint) {
    gpgme_key_t key_raw = nullptr;
    ++g_processes;
    if (gpgme_error_t error = gpgme_get_key(m_ctx.get(), fingerprint.c_str(), &key_raw, 1); error != 0) {
      return fail(error_message(fmt::format("no secret key {} here", fingerprint), error));
    }
    m_signer.reset(key_raw);
    m_signer_fingerprint = fingerprint;
  }
  gpgme_signers_clear(m_ctx.get());
  if (gpgme_error_t error = gpgme_signers_add(m_ctx.get(), m_signer.get()); error != 0) {
    return fail(error_message(fmt::format("cannot sign with {}", fingerprint), error));
  }
  gpgme_set_armor(m_ctx.get(), 1);
  auto plain = data_over(data);
  auto signature = empty_data();
  if (!plain || !signature) {
    return fail(!plain ? plain.error().message : signature.error().message);
  }
  ++g_processes;
  const gpgme_error_t error = gpgme_op_sign(m_ctx.get(), plain->get(), signature->get(), GPGME_SIG_MODE_DETACH);
  gpgme_signers_clear(m_ctx.get());
  if (error != 0) {
    switch (gpg_err_code(error)) {
    case GPG_ERR_NO_PIN_ENTRY:
    case GPG_ERR_NO_PASSPHRASE:
    case GPG_ERR_BAD_PASSPHRASE:
    case GPG_ERR_CANCELED:
    case GPG_ERR_FULLY_CANCELED:
      return fail(fmt::format("key {} needs its passphrase and nothing may ask for it here: unlock it in gpg-agent "
                              "first (e.g. gpg-preset-passphrase) or use a signing key without one",
                              fingerprint));
    default:
      return fail(error_message(fmt::format("signing with {} failed", fingerprint), error));
    }
  }
  return release_to_string(std::move(*signature));
}

Result<Verification> Context::verify_detached(std::string_view signature, std::string_view data) const
{
  auto signature_data = data_over(signature);
  auto signed_data = data_over(data);
  if (!signature_data || !signed_data) {
    return fail(!signature_data ? signature_data.error().message : signed_data.error().message);
  }
  ++g_processes;
  const gpgme_error_t error = gpgme_op_verify(m_ctx.get(), signature_data->get(), signed_data->get(), nullptr);
  const gpgme_verify_result_t result = gpgme_op_verify_result(m_ctx.get());
  if (result == nullptr || result->signatures == nullptr) {
    return fail(error != 0 ? error_message("not a valid signature", error) : "not a valid signature");
  }
  const gpgme_signature_t sig = result->signatures;
  Verification verification;
  verification.fingerprint = sig->fpr != nullptr ? sig->fpr : "";
  verification.created = static_cast<std::int64_t>(sig->timestamp);
  verification.expires = static_cast<std::int64_t>(sig->exp_timestamp);
  // Trust comes from the caller's list of maintainers, not from gpg's web of trust: look at the
  // status and the revoked / expired / bad bits only, never at GREEN or VALID.
  switch (gpg_err_code(sig->status)) {
  case GPG_ERR_NO_ERROR:
    verification.state = SignatureState::good;
    break;
  case GPG_ERR_NO_PUBKEY:
    verification.state = SignatureState::unknown_key;
    break;
  case GPG_ERR_KEY_EXPIRED:
    verification.state = SignatureState::expired_key;
    break;
  case GPG_ERR_CERT_REVOKED:
    verification.state = SignatureState::revoked_key;
    break;
  case GPG_ERR_SIG_EXPIRED:
    verification.state = SignatureState::expired_signature;
    break;
  default:
    verification.state = SignatureState::bad;
    break;
  }
  const auto summary = static_cast<unsigned>(sig->summary);
  if (verification.state == SignatureState::good) {
    if ((summary & GPGME_SIGSUM_RED) != 0U) {
      verification.state = SignatureState::bad;
    } else if ((summary & GPGME_SIGSUM_KEY_REVOKED) != 0U) {
      verification.state = SignatureState::revoked_key;
    } else if ((summary & GPGME_SIGSUM_KEY_EXPIRED) != 0U) {
      verification.state = SignatureState::expired_key;
    } else if ((summary & GPGME_SIGSUM_SIG_EXPIRED) != 0U) {
      verification.state = SignatureState::expired_signature;
    } else if ((summary & GPGME_SIGSUM_KEY_MISSING) != 0U) {
      verification.state = SignatureState::unknown_key;
    }
  }
  if (sig->next != nullptr) {
    verification.state = SignatureState::bad; // one signer per approval; several is not our format
  }
  return verification;
}

Result<std::string> Context::export_public_key(const std::string& fingerprint) const
{
  auto out = empty_data();
  if (!out) {
    return std::unexpected(out.error());
  }
  gpgme_set_armor(m_ctx.get(), 1);
  ++g_processes;
  if (gpgme_error_t error = gpgme_op_export(m_ctx.get(), fingerprint.c_str(), 0, out->get()); error != 0) {
    return fail(error_message(fmt::format("cannot export key {}", fingerprint), error));
  }
  std::string text = release_to_string(std::move(*out));
  if (text.empty()) {
    return fail(fmt::format("no public key {} to export", fingerprint));
  }
  return text;
}

Result<int> Context::import_keys(std::string_view armored) const
{
  auto keys = data_over(armored);
  if (!keys) {
    return fail(keys.error().message);
  }
  ++g_processes;
  if (gpgme_error_t error = gpgme_op_import(m_ctx.get(), keys->get()); error != 0) {
    return fail(error_message("cannot import keys", error));
  }
  const gpgme_import_result_t result = gpgme_op_import_result(m_ctx.get());
  if (result == nullptr) {
    return fail("cannot import keys: gpg reported nothing");
  }
  return result->imported + result->unchanged;
}

std::size_t processes_started()
{
  return g_processes.load();
}

void ensure_initialised()
{
  static std::once_flag once;
  std::call_once(once, [] {
    gpgme_check_version(nullptr);
    gpgme_set_locale(nullptr, LC_CTYPE, std::setlocale(LC_CTYPE, nullptr));
  });
}

std::jthread load_in_background()
{
  return std::jthread([] {
    ensure_initialised();
    gpgme_engine_info_t info = nullptr;
    (void)gpgme_get_engine_info(&info); // kept by gpgme; a failure is met again, and said, by Context::create
  });
}

std::string library_version()
{
  ensure_initialised();
  const char* version = gpgme_check_version(nullptr);
  return version == nullptr ? std::string() : std::string(version);
}

std::string error_message(std::string_view what, gpgme_error_t error)
{
  return fmt::format("{}: {}", what, gpgme_strerror(error));
}

Result<Context> Context::create(const std::string& home)
{
  ensure_initialised();
  gpgme_ctx_t raw = nullptr;
  if (gpgme_error_t error = gpgme_new(&raw); error != 0) {
    return fail(error_message("cannot create a gpgme context", error));
  }
  Context context(raw);
  if (gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) != 0) {
    return fail(k_gpg_missing);
  }
  if (gpgme_error_t error = gpgme_set_protocol(raw, GPGME_PROTOCOL_OpenPGP); error != 0) {
    return fail(error_message("the OpenPGP engine is not available", error));
  }
  if (!home.empty()) {
    if (gpgme_error_t error = gpgme_ctx_set_engine_info(raw, GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str());
        error != 0) {
      return fail(error_message("cannot use the GnuPG home " + home, error));
    }
  }
  return context;
}

Result<EngineInfo> Context::engine() const
{
  for (gpgme_engine_info_t info = gpgme_ctx_get_engine_info(m_ctx.get()); info != nullptr; info = info->next) {
    if (info->protocol == GPGME_PROTOCOL_OpenPGP) {
      if (info->file_name == nullptr || info->version == nullptr) {
        return fail(k_gpg_missing);
      }
      return EngineInfo{info->file_name, info->version, info->home_dir != nullptr ? info->home_dir : ""};
    }
  }
  return fail(k_gpg_missing);
}

Result<std::vector<KeyInfo>> Context::list_keys(bool secret_only, const std::string& pattern) const
{
  std::vector<KeyInfo> keys;
  if (secret_only) {
    m_listed_secret.clear();
  }
  ++g_processes;
  if (gpgme_error_t error =
          gpgme_op_keylist_start(m_ctx.get(), pattern.empty() ? nullptr : pattern.c_str(), secret_only ? 1 : 0);
      error != 0) {
    return fail(error_message("cannot list keys", error));
  }
  for (;;) {
    gpgme_key_t key = nullptr;
    const gpgme_error_t error = gpgme_op_keylist_next(m_ctx.get(), &key);
    if (gpg_err_code(error) == GPG_ERR_EOF) {
      break;
    }
    if (error != 0) {
      gpgme_op_keylist_end(m_ctx.get());
      return fail(error_message("cannot list keys", error));
    }
    std::unique_ptr<_gpgme_key, KeyFree> owned(key);
    KeyInfo info;
    info.fingerprint = key->fpr != nullptr ? key->fpr : "";
    if (key->uids != nullptr && key->uids->uid != nullptr) {
      info.user_id = key->uids->uid;
    }
    info.can_sign = key->can_sign != 0;
    info.expired = key->expired != 0;
    info.revoked = key->revoked != 0;
    info.disabled = key->disabled != 0;
    info.invalid = key->invalid != 0;
    info.secret = key->secret != 0;
    if (key->subkeys != nullptr) {
      info.expires = static_cast<std::int64_t>(key->subkeys->expires);
      for (gpgme_subkey_t sub = key->subkeys->next; sub != nullptr; sub = sub->next) {
        if (sub->fpr != nullptr) {
          info.subkeys.emplace_back(sub->fpr);
        }
      }
    }
    if (secret_only && !info.fingerprint.empty()) {
      m_listed_secret[info.fingerprint] = std::move(owned);
    }
    keys.push_back(std::move(info));
  }
  return keys;
}

} // namespace tollgate::gpg
