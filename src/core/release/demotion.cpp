#include "core/release/demotion.hpp"

#include "core/release/lock.hpp"
#include "core/release/stages.hpp"
#include "core/trust/audit_log.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/signed_tag.hpp"

#include <fmt/format.h>

namespace tollgate::core {

Result<CurrentStable> read_current_stable(const git::Repository& repo, const Config& config)
{
  return read_current_stage(repo, config.release.stable_tag);
}

Result<CurrentStable> read_current_stage(const git::Repository& repo, const std::string& stage)
{
  auto holder = read_stage(repo, stage);
  if (!holder) {
    return std::unexpected(holder.error());
  }
  if (!*holder) {
    return fail(fmt::format("there is no `{}` tag: nothing has been promoted to it yet", stage));
  }
  auto log = git::read_ref(repo, k_audit_log_ref);
  if (!log) {
    return std::unexpected(log.error());
  }
  return CurrentStable{(*holder)->tag, std::move((*holder)->record), (*holder)->commit, *log, stage};
}

namespace {

// The release a stage held before `current`'s: the newest other release the audit log moved into it
// (a cut or a stage move) that is an ancestor of the current one.
Result<std::string> previous_at_stage(const git::Repository& repo, const CurrentStable& current)
{
  if (!current.log_head) {
    return fail(fmt::format("the audit log is empty: name the release with --to TAG"));
  }
  auto entries = read_audit_log(repo, *current.log_head);
  if (!entries) {
    return std::unexpected(entries.error());
  }
  for (const auto& entry : *entries) {
    const nlohmann::json& event = entry.event;
    if (!event.is_object() || event.value("stage", "") != current.stage || event.value("event", "") == "demote" ||
        event.value("release", "") == current.record.release) {
      continue;
    }
    auto commit = git::Oid::parse(event.value("commit", ""));
    auto earlier = commit ? git::descends_from(repo, current.commit, *commit) : Result<bool>(false);
    if (earlier && *earlier && *commit != current.commit) {
      return event.value("release", "");
    }
  }
  return fail(
      fmt::format("{} held no release before {} (name one with --to TAG)", current.stage, current.record.release));
}

} // namespace

Result<DemotionTarget> demotion_target(const git::Repository& repo, const CurrentStable& current, const std::string& to)
{
  std::string tag = to;
  if (tag.empty() && !current.record.stage.empty()) {
    auto previous = previous_at_stage(repo, current);
    if (!previous) {
      return std::unexpected(previous.error());
    }
    tag = *previous;
  } else if (tag.empty()) {
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
    return fail(fmt::format("{} is the current {} release already", tag, current.stage));
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
    return fail(fmt::format("{} is not an earlier release than the current {} {}: a demotion only moves {} back "
                            "(promote to go forward)",
                            tag, current.stage, current.record.release, current.stage));
  }
  return DemotionTarget{tag, **object, info->target};
}

Result<Journal> write_stage_tag(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                StageTagWrite& write)
{
  const git::Signature who = identity_of(key);
  const std::string payload =
      git::tag_payload(write.commit, "commit", write.stage, who, format_stable_message(write.record));
  auto signature = gpg.sign_detached(payload, key.fingerprint);
  if (!signature) {
    return std::unexpected(signature.error());
  }
  auto stage_tag = git::write_raw(repo, payload + *signature, GIT_OBJECT_TAG);
  if (!stage_tag) {
    return std::unexpected(stage_tag.error());
  }
  fault_point("after-stable-tag");
  write.event["time"] = who.time;
  write.event["actor"] = {{"name", who.name}, {"email", who.email}, {"fingerprint", key.fingerprint}};
  write.event[write.stable ? "stable_tag" : "stage_tag"] = stage_tag->hex();
  if (!write.record.stage.empty()) {
    write.event["stage"] = write.stage;
  }
  auto log_commit = write_audit_entry(repo, gpg, key, write.log_head, write.event, write.summary);
  if (!log_commit) {
    return std::unexpected(log_commit.error());
  }
  fault_point("after-log-commit");
  Journal journal;
  journal.release = write.journal_name;
  journal.updates = {
      {"stable", "refs/tags/" + write.stage, write.old_tag, *stage_tag},
      {"log", k_audit_log_ref, write.log_head, *log_commit},
  };
  return journal;
}

Result<Journal> write_demotion(const git::Repository& repo, const Config& config, const CurrentStable& current,
                               const DemotionTarget& target, const std::string& reason, const gpg::Context& gpg,
                               const gpg::KeyInfo& key)
{
  const git::Signature who = identity_of(key);
  StageTagWrite write;
  write.stage = current.stage.empty() ? config.release.stable_tag : current.stage;
  write.stable = write.stage == config.release.stable_tag;
  write.commit = target.commit;
  write.record.release = target.tag;
  write.record.release_tag = target.tag_object;
  write.record.previous_stable = StableRef{current.record.release, current.commit};
  write.record.demoted_by = fmt::format("{} <{}> {}", who.name, who.email, key.fingerprint);
  write.record.reason = reason;
  write.record.stage = write.stable ? std::string() : write.stage;
  write.old_tag = current.tag;
  write.log_head = current.log_head;
  write.event = {{"format", 1},
                 {"event", "demote"},
                 {"release", target.tag},
                 {"commit", target.commit.hex()},
                 {"release_tag", target.tag_object.hex()},
                 {"demoted_from", {{"tag", current.record.release}, {"commit", current.commit.hex()}}},
                 {"reason", reason}};
  write.summary = fmt::format("demote {}{} -> {}: {}", write.stable ? "" : write.stage + " ", current.record.release,
                              target.tag, reason);
  write.journal_name = fmt::format("the demotion to {}", target.tag);
  return write_stage_tag(repo, gpg, key, write);
}

} // namespace tollgate::core
