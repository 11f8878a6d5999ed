#include "core/trust/signing.hpp"

#include "git/objects.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <vector>

namespace tollgate::core {

namespace {

std::string why_unusable(const gpg::KeyInfo& key)
{
  if (key.revoked) {
    return "it is revoked";
  }
  if (key.expired) {
    return "it has expired";
  }
  if (key.disabled) {
    return "it is disabled";
  }
  if (!key.can_sign) {
    return "it cannot sign";
  }
  return "it is not usable";
}

Result<gpg::KeyInfo> find_key(const gpg::Context& gpg, const std::string& pattern, const std::string& origin)
{
  auto keys = gpg.list_keys(true, pattern);
  if (!keys) {
    return std::unexpected(keys.error());
  }
  if (keys->empty()) {
    auto public_keys = gpg.list_keys(false, pattern);
    if (public_keys && !public_keys->empty()) {
      return fail(
          fmt::format("key `{}` ({}) has no secret part in this keyring: it cannot sign here", pattern, origin));
    }
    return fail(fmt::format("no secret key `{}` ({}) in this keyring", pattern, origin));
  }
  for (const auto& key : *keys) {
    if (key.usable_for_signing()) {
      return key;
    }
  }
  return fail(fmt::format("key `{}` ({}) cannot sign: {}", pattern, origin, why_unusable(keys->front())));
}

Result<gpg::KeyInfo> pick_key(const gpg::Context& gpg, const git::Repository& repo, const std::string& explicit_key,
                              const std::string& configured)
{
  if (!explicit_key.empty()) {
    return find_key(gpg, explicit_key, "--key");
  }
  if (!configured.empty()) {
    return find_key(gpg, configured, "release.signing_key in tollgate.yaml");
  }
  auto git_key = git::config_string(repo, "user.signingkey");
  if (git_key && *git_key && !(*git_key)->empty()) {
    return find_key(gpg, **git_key, "git config user.signingkey");
  }
  auto keys = gpg.list_keys(true);
  if (!keys) {
    return std::unexpected(keys.error());
  }
  for (const auto& key : *keys) {
    if (key.usable_for_signing()) {
      return key;
    }
  }
  return fail("no secret key that can sign in this keyring (create one with `gpg --quick-generate-key`, or choose "
              "one with --key, release.signing_key or git config user.signingkey)");
}

} // namespace

Result<gpg::KeyInfo> choose_signing_key(const gpg::Context& gpg, const git::Repository& repo,
                                        const std::string& explicit_key, const std::string& configured)
{
  auto key = pick_key(gpg, repo, explicit_key, configured);
  // gpg lists secret keys through its agent: without one, every key looks like it has no secret
  // part (an empty keyring is said as such).
  if (!key && !gpg.agent_running()) {
    if (auto any = gpg.list_keys(false); !any || any->empty()) {
      return key;
    }
    return fail("gpg-agent is not running and gpg cannot start it: install gpg-agent (apt install gpg-agent), or "
                "fix `agent-program` in gpg.conf");
  }
  return key;
}

Result<gpg::KeyInfo> choose_attesting_key(const gpg::Context& gpg, const git::Repository& repo,
                                          const std::string& explicit_key,
                                          const std::function<bool(const std::string&)>& is_attester)
{
  if (explicit_key.empty()) {
    auto keys = gpg.list_keys(true);
    if (!keys) {
      return std::unexpected(keys.error());
    }
    std::vector<gpg::KeyInfo> attesting;
    std::ranges::copy_if(*keys, std::back_inserter(attesting), [&](const gpg::KeyInfo& key) {
      return key.usable_for_signing() && is_attester(key.fingerprint);
    });
    if (attesting.size() == 1) {
      return attesting.front();
    }
    if (attesting.size() > 1) {
      std::vector<std::string> names;
      std::ranges::transform(attesting, std::back_inserter(names), [](const gpg::KeyInfo& key) {
        return fmt::format("{} ({})", key.fingerprint, key.user_id);
      });
      return fail(fmt::format("several secret keys here belong to attesters: {}; choose one with --key",
                              fmt::join(names, ", ")));
    }
  }
  return choose_signing_key(gpg, repo, explicit_key, "");
}

} // namespace tollgate::core
