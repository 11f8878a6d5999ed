#include "core/demotion.hpp"

#include "core/audit_log.hpp"
#include "core/lock.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/signed_tag.hpp"

#include <fmt/format.h>

namespace tollgate::core {

Result<CurrentStable> read_current_stable(const git::Repository& repo, const Config& config)
{
  const std::string name = "refs/tags/" + config.release.stable_tag;
  auto tag = git::read_ref(repo, name);
  if (!tag) {
    return std::unexpected(tag.error());
  }
  if (!*tag) {
    return fail(fmt::format("there is no `{}` tag: nothing has been promoted yet", config.release.stable_tag));
  }
  auto object = git::read_tag(repo, **tag);
  if (!object) {
    return fail(fmt::format("`{}` is not a signed tag object", config.release.stable_tag));
  }
  auto record = parse_stable_message(object->message);
  if (!record) {
    return fail(fmt::format("`{}` was not written by tollgate: {}", config.release.stable_tag, record.error().message));
  }
  auto log = git::read_ref(repo, k_audit_log_ref);
  if (!log) {
    return std::unexpected(log.error());
  }
  return CurrentStable{**tag, std::move(*record), object->target, *log};
}

Result<DemotionTarget> demotion_target(const git::Repository& repo, const CurrentStable& current, const std::string& to)
{
  std::string tag = to;
  if (tag.empty()) {
    // The stable release before the current one is what its own promotion record names (the
    // stable tag's `Previous-stable:` after a demotion names the release just demoted).
    auto release = git::read_tag(repo, current.record.release_tag);
    auto record = release ? parse_release_message(release->message) : Result<PromotionRecord>(fail("unreadable"));
    if (!record) {
      return fail(fmt::format("cannot read the promotion record of {}: name the release with --to TAG",
                              current.record.release));
    }
    if (!record->previous_stable) {
      return fail(fmt::format("{} is the first stable release: there is none before it (name one with --to TAG)",
                              current.record.release));
    }
    tag = record->previous_stable->tag;
  }
  if (tag == current.record.release) {
    return fail(fmt::format("{} is the current stable release already", tag));
  }
  auto object = git::read_ref(repo, "refs/tags/" + tag);
  if (!object || !*object) {
    return fail(fmt::format("there is no release tag `{}`", tag));
  }
  auto info = git::read_tag(repo, **object);
  if (!info) {
    return fail(fmt::format("`{}` is not a signed release tag", tag));
  }
  auto older = git::descends_from(repo, current.commit, info->target);
  if (!older) {
    return std::unexpected(older.error());
  }
  if (!*older || info->target == current.commit) {
    return fail(fmt::format("{} is not an earlier release than the current stable {}: a demotion only moves stable "
                            "back (promote to go forward)",
                            tag, current.record.release));
  }
  return DemotionTarget{tag, **object, info->target};
}

Result<Journal> write_demotion(const git::Repository& repo, const Config& config, const CurrentStable& current,
                               const DemotionTarget& target, const std::string& reason, const gpg::Context& gpg,
                               const gpg::KeyInfo& key)
{
  const git::Signature who = identity_of(key);
  StableRecord record;
  record.release = target.tag;
  record.release_tag = target.tag_object;
  record.previous_stable = StableRef{current.record.release, current.commit};
  record.demoted_by = fmt::format("{} <{}> {}", who.name, who.email, key.fingerprint);
  record.reason = reason;
  const std::string payload =
      git::tag_payload(target.commit, "commit", config.release.stable_tag, who, format_stable_message(record));
  auto signature = gpg.sign_detached(payload, key.fingerprint);
  if (!signature) {
    return std::unexpected(signature.error());
  }
  auto stable_tag = git::write_raw(repo, payload + *signature, GIT_OBJECT_TAG);
  if (!stable_tag) {
    return std::unexpected(stable_tag.error());
  }
  fault_point("after-stable-tag");
  const nlohmann::json event = {{"format", 1},
                                {"event", "demote"},
                                {"time", who.time},
                                {"actor", {{"name", who.name}, {"email", who.email}, {"fingerprint", key.fingerprint}}},
                                {"release", target.tag},
                                {"commit", target.commit.hex()},
                                {"release_tag", target.tag_object.hex()},
                                {"stable_tag", stable_tag->hex()},
                                {"demoted_from", {{"tag", current.record.release}, {"commit", current.commit.hex()}}},
                                {"reason", reason}};
  auto log_commit = write_audit_entry(repo, gpg, key, current.log_head, event,
                                      fmt::format("demote {} -> {}: {}", current.record.release, target.tag, reason));
  if (!log_commit) {
    return std::unexpected(log_commit.error());
  }
  fault_point("after-log-commit");
  Journal journal;
  journal.release = fmt::format("the demotion to {}", target.tag);
  journal.updates = {
      {"stable", "refs/tags/" + config.release.stable_tag, current.tag, *stable_tag},
      {"log", k_audit_log_ref, current.log_head, *log_commit},
  };
  return journal;
}

} // namespace tollgate::core
