#include "core/trust/signature_verifier.hpp"

#include "core/trust/state_key.hpp"
#include "openpgp/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace tollgate::core {

struct SignatureVerifier::Backend {
  VerifyBackend kind = VerifyBackend::rnp;
  std::shared_ptr<const openpgp::Keyring> rnp; // RNP's context is not thread-safe: used under `lock`
  mutable std::mutex lock;
  std::optional<gpg::Keyring> gpg;
};

namespace {

gpg::SignatureState state_of(openpgp::SignatureStatus status)
{
  switch (status) {
  case openpgp::SignatureStatus::good:
    return gpg::SignatureState::good;
  case openpgp::SignatureStatus::unknown_key:
    return gpg::SignatureState::unknown_key;
  case openpgp::SignatureStatus::expired_key:
    return gpg::SignatureState::expired_key;
  case openpgp::SignatureStatus::revoked_key:
    return gpg::SignatureState::revoked_key;
  case openpgp::SignatureStatus::expired_signature:
    return gpg::SignatureState::expired_signature;
  case openpgp::SignatureStatus::bad:
    break;
  }
  return gpg::SignatureState::bad;
}

SignatureVerdict verdict_of(const openpgp::SignatureCheck& check)
{
  return SignatureVerdict{state_of(check.status), check.signer, check.created, check.expires, check.key_expires};
}

// gpg names the key that signed (a subkey, or only a key id for an unknown key); the verdict names
// the primary key of the trust root that owns it.
SignatureVerdict verdict_of(const Result<gpg::Verification>& verification, const gpg::Keyring& keyring)
{
  SignatureVerdict verdict;
  if (!verification) {
    return verdict; // not a usable signature: bad
  }
  verdict.state = verification->state;
  verdict.created = verification->created;
  verdict.expires = verification->expires;
  if (const gpg::KeyInfo* owner = keyring.owner_of(verification->fingerprint); owner != nullptr) {
    verdict.primary = owner->fingerprint;
    verdict.key_expires = owner->expires;
  } else if (verdict.state == gpg::SignatureState::good) {
    verdict.state = gpg::SignatureState::unknown_key;
  }
  if (verdict.state == gpg::SignatureState::unknown_key) {
    verdict.primary = verification->fingerprint;
  }
  return verdict;
}

Result<std::vector<SignatureVerdict>> verify_with_gpg(const gpg::Keyring& keyring, std::span<const SignedBytes> items)
{
  std::vector<SignatureVerdict> verdicts(items.size());
  const std::size_t workers = std::min<std::size_t>(items.size(), std::max(2U, std::thread::hardware_concurrency()));
  std::atomic<std::size_t> next{0};
  std::vector<std::string> errors(workers);
  {
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        auto context = keyring.context();
        if (!context) {
          errors[w] = context.error().message;
          return;
        }
        for (std::size_t i = next++; i < items.size(); i = next++) {
          verdicts[i] = verdict_of(context->verify_detached(items[i].signature, items[i].payload), keyring);
        }
      });
    }
  }
  for (const auto& error : errors) {
    if (!error.empty()) {
      return fail(error);
    }
  }
  return verdicts;
}

} // namespace

Result<SignatureVerifier> SignatureVerifier::open(const std::vector<gpg::ArmoredKey>& keys, const std::string& digest,
                                                  VerifyBackend backend)
{
  // One keyring per trust root and process: verifying a release's history meets the same roots again.
  // Never destroyed: at exit, RNP's crypto library (Botan) may already have torn down the allocator
  // its contexts free into.
  static std::mutex lock;
  static auto& opened = *new std::map<std::pair<std::string, VerifyBackend>, std::shared_ptr<const Backend>>();
  const std::scoped_lock guard(lock);
  const auto key = std::make_pair(digest, backend);
  if (auto found = opened.find(key); found != opened.end()) {
    return SignatureVerifier(found->second);
  }
  auto built = std::make_shared<Backend>();
  built->kind = backend;
  if (backend == VerifyBackend::rnp) {
    std::vector<openpgp::KeyFile> files;
    files.reserve(keys.size());
    for (const auto& armored : keys) {
      files.push_back(openpgp::KeyFile{armored.name, armored.text});
    }
    auto keyring = openpgp::Keyring::shared(files);
    if (!keyring) {
      return fail(fmt::format("cannot read the keys of the trust root: {}", keyring.error().message));
    }
    built->rnp = std::move(*keyring);
  } else {
    auto keyrings = user_state_subdir("keyrings");
    if (!keyrings) {
      return std::unexpected(keyrings.error());
    }
    auto keyring = gpg::Keyring::open(*keyrings, keys);
    if (!keyring) {
      return fail(fmt::format("cannot build the keyring of the trust root: {}", keyring.error().message));
    }
    built->gpg.emplace(std::move(*keyring));
  }
  opened.emplace(key, built);
  return SignatureVerifier(std::move(built));
}

Result<std::vector<SignatureVerdict>> SignatureVerifier::verify(std::span<const SignedBytes> items) const
{
  if (m_backend->gpg) {
    return verify_with_gpg(*m_backend->gpg, items);
  }
  const std::scoped_lock guard(m_backend->lock);
  std::vector<SignatureVerdict> verdicts;
  verdicts.reserve(items.size());
  for (const SignedBytes& item : items) {
    verdicts.push_back(verdict_of(m_backend->rnp->verify_detached(item.signature, item.payload)));
  }
  return verdicts;
}

Result<SignatureVerdict> SignatureVerifier::verify(const SignedBytes& item) const
{
  auto verdicts = verify(std::span<const SignedBytes>(&item, 1));
  if (!verdicts) {
    return std::unexpected(verdicts.error());
  }
  return verdicts->front();
}

} // namespace tollgate::core
