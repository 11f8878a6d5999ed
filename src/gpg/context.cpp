#include "gpg/context.hpp"

#include <fmt/format.h>

#include <clocale>
#include <mutex>

namespace tollgate::gpg {

void ensure_initialised()
{
  static std::once_flag once;
  std::call_once(once, [] {
    gpgme_check_version(nullptr);
    gpgme_set_locale(nullptr, LC_CTYPE, std::setlocale(LC_CTYPE, nullptr));
  });
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
        return fail("gpg is not installed (gpgme found no OpenPGP engine)");
      }
      return EngineInfo{info->file_name, info->version, info->home_dir != nullptr ? info->home_dir : ""};
    }
  }
  return fail("gpg is not installed (gpgme found no OpenPGP engine)");
}

Result<std::vector<KeyInfo>> Context::list_keys(bool secret_only) const
{
  std::vector<KeyInfo> keys;
  if (gpgme_error_t error = gpgme_op_keylist_start(m_ctx.get(), nullptr, secret_only ? 1 : 0); error != 0) {
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
    const std::unique_ptr<_gpgme_key, decltype(&gpgme_key_unref)> owned(key, &gpgme_key_unref);
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
    keys.push_back(std::move(info));
  }
  return keys;
}

} // namespace tollgate::gpg
