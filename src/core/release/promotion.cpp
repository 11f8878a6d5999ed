#include "core/release/promotion.hpp"

#include "core/checklist/report.hpp"
#include "core/checklist/workspace.hpp"
#include "core/release/lock.hpp"
#include "core/release/stages.hpp"
#include "core/trust/audit_log.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/signed_tag.hpp"
#include "git/worktree.hpp"
#include "git/write.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::core {

namespace {

std::unexpected<BaselineError> refuse(int exit_code, std::string message)
{
  return std::unexpected(BaselineError{exit_code, std::move(message)});
}

// A signed annotated tag object `name` on `target` with `message`, by `key`.
Result<git::Oid> write_signed_tag(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                  const git::Oid& target, const std::string& name, const std::string& message)
{
  const std::string payload = git::tag_payload(target, "commit", name, identity_of(key), message);
  auto signature = gpg.sign_detached(payload, key.fingerprint);
  if (!signature) {
    return std::unexpected(signature.error());
  }
  return git::write_raw(repo, payload + *signature, GIT_OBJECT_TAG);
}

nlohmann::json json_of(const std::optional<StableRef>& stable)
{
  if (!stable) {
    return nullptr;
  }
  return {{"tag", stable->tag}, {"commit", stable->commit.hex()}};
}

} // namespace

std::expected<Baseline, BaselineError> read_baseline(const git::Repository& repo, const Config& config,
                                                     const std::string& revision, const std::string& first_stage)
{
  Baseline baseline;
  baseline.branch = config.release.branch;
  auto branch = git::current_branch(repo);
  if (!branch) {
    return refuse(3, branch.error().message);
  }
  if (!*branch || **branch != baseline.branch) {
    return refuse(3, fmt::format("HEAD is {}, not on `{}` (release.branch): check it out first",
                                 *branch ? "on `" + **branch + "`" : std::string("detached"), baseline.branch));
  }
  auto candidate = git::resolve_commit(repo, revision);
  if (!candidate) {
    return refuse(2, candidate.error().message);
  }
  baseline.candidate = *candidate;
  auto tip = git::read_ref(repo, "refs/heads/" + baseline.branch);
  if (!tip || !*tip) {
    return refuse(3, fmt::format("cannot read the branch `{}`", baseline.branch));
  }
  baseline.branch_tip = **tip;
  if (baseline.branch_tip != baseline.candidate) {
    return refuse(3, fmt::format("the candidate {} is not the tip of `{}` ({}): the CHANGELOG commit goes on top of "
                                 "the branch",
                                 candidate->short_hex(), baseline.branch, baseline.branch_tip.short_hex()));
  }
  auto dirty = git::uncommitted_changes(repo);
  if (!dirty) {
    return refuse(3, dirty.error().message);
  }
  if (!dirty->empty()) {
    return refuse(3,
                  fmt::format("the work tree has uncommitted changes ({}{}): commit or stash them first",
                              dirty->front(), dirty->size() > 1 ? fmt::format(" and {} more", dirty->size() - 1) : ""));
  }
  auto stable = git::read_ref(repo, "refs/tags/" + config.release.stable_tag);
  if (!stable) {
    return refuse(3, stable.error().message);
  }
  if (*stable) {
    baseline.stable_tag = **stable;
    auto commit = git::peel_to_commit(repo, **stable);
    if (!commit) {
      return refuse(3, commit.error().message);
    }
    StableRef ref{config.release.stable_tag, *commit};
    if (auto tag = git::read_tag(repo, **stable)) {
      if (auto record = parse_stable_message(tag->message)) {
        ref.tag = record->release;
      }
    }
    baseline.stable = ref;
    auto descends = git::descends_from(repo, baseline.candidate, *commit);
    if (!descends) {
      return refuse(3, descends.error().message);
    }
    if (!*descends) {
      return refuse(3, fmt::format("the candidate {} does not descend from stable ({}, {}): stable never moves "
                                   "backwards or sideways in a promotion",
                                   candidate->short_hex(), ref.tag, commit->short_hex()));
    }
  }
  if (!first_stage.empty() && first_stage != config.release.stable_tag) {
    baseline.stage = first_stage;
    auto holder = read_stage(repo, first_stage);
    if (!holder) {
      return refuse(3, holder.error().message);
    }
    if (*holder) {
      baseline.stage_tag = (*holder)->tag;
      baseline.stage_release = StableRef{(*holder)->record.release, (*holder)->commit};
      auto descends = git::descends_from(repo, baseline.candidate, (*holder)->commit);
      if (!descends || !*descends) {
        return refuse(3, fmt::format("the candidate {} does not descend from the release at {} ({}): a stage never "
                                     "moves backwards or sideways in a promotion",
                                     candidate->short_hex(), first_stage, (*holder)->record.release));
      }
    }
  }
  auto log = git::read_ref(repo, k_audit_log_ref);
  if (!log) {
    return refuse(3, log.error().message);
  }
  baseline.log_head = *log;
  return baseline;
}

Result<ReleaseObjects> write_release(const git::Repository& repo, const Config& config, const Baseline& baseline,
                                     const changelog::ReleasePlan& plan, const RunReport& report,
                                     const gpg::Context& gpg, const gpg::KeyInfo& key, const PromotionRecord& rules,
                                     const std::vector<version_files::FileEdit>& version_edits)
{
  ReleaseObjects release;

  // 1. The CHANGELOG commit on top of the candidate, touching only the changelog and the version
  //    strings of release.version_files.
  auto existing = git::read_file_at(repo, baseline.candidate, config.release.changelog);
  if (!existing) {
    return std::unexpected(existing.error());
  }
  auto edit = plan.apply_to_file(existing->value_or(""), config.release.changelog);
  if (!edit) {
    return std::unexpected(edit.error());
  }
  if (!edit->changed) {
    return fail(fmt::format("{} already has a section for {}", config.release.changelog, plan.next.str()));
  }
  release.changelog_text = edit->text;
  std::vector<std::pair<std::string, std::string>> files{{config.release.changelog, edit->text}};
  for (const auto& version_edit : version_edits) {
    if (version_edit.changed()) {
      files.emplace_back(version_edit.path, version_edit.after);
    }
  }
  auto tree = git::tree_with_files(repo, baseline.candidate, files);
  if (!tree) {
    return std::unexpected(tree.error());
  }
  const git::Signature who = identity_of(key);
  auto buffer =
      git::commit_buffer(repo, *tree, {baseline.candidate}, who, who, fmt::format("chore(release): {}\n", plan.tag));
  if (!buffer) {
    return std::unexpected(buffer.error());
  }
  auto commit = git::write_commit(repo, *buffer, "");
  if (!commit) {
    return std::unexpected(commit.error());
  }
  release.changelog_commit = *commit;
  fault_point("after-changelog-commit");

  // 2. The signed release tag: the notes and the promotion record.
  PromotionRecord& record = release.record;
  record.tag = plan.tag;
  record.version = plan.next.str();
  record.candidate = baseline.candidate;
  record.previous_stable = baseline.stable;
  record.notes = plan.section;
  record.rules = rules.rules;
  record.sandbox = rules.sandbox;
  record.floor_notes = rules.floor_notes;
  record.recovered_trust_root = rules.recovered_trust_root;
  for (const auto& check : report.checks) {
    const std::string status(to_string(check.result.status));
    if (check.kind == "policies") {
      record.policies.push_back({check.id, status});
    } else {
      record.checks.push_back({check.id, status});
    }
    if (const auto attested = check.result.details.find("attested"); attested != check.result.details.end()) {
      for (const auto& one : *attested) {
        if (auto object = git::Oid::parse(one.value("object", ""))) {
          record.attestations.push_back({check.id, one.value("fingerprint", ""), *object, one.value("attester", "")});
        }
      }
    }
    if (check.kind != "approvals" || !check.result.details.contains("approvals")) {
      continue;
    }
    for (const auto& approval : check.result.details["approvals"]) {
      if (approval.value("counts", false)) {
        auto object = git::Oid::parse(approval.value("object", ""));
        if (object) {
          record.approvals.push_back(
              {approval.value("name", ""), approval.value("email", ""), approval.value("fingerprint", ""), *object});
        }
      }
    }
  }
  auto release_tag = write_signed_tag(repo, gpg, key, *commit, plan.tag, format_release_message(record));
  if (!release_tag) {
    return std::unexpected(release_tag.error());
  }
  release.release_tag = *release_tag;
  fault_point("after-release-tag");

  // 3. The signed stable tag: `stable -> vX.Y.Z`, naming the stable release before it; with stages,
  //    the first stage's tag, naming the release that stage held.
  const bool staged = !baseline.stage.empty();
  const std::string stage_name = staged ? baseline.stage : config.release.stable_tag;
  StableRecord stable;
  stable.release = plan.tag;
  stable.release_tag = *release_tag;
  stable.previous_stable = staged ? baseline.stage_release : baseline.stable;
  stable.stage = baseline.stage;
  auto stable_tag = write_signed_tag(repo, gpg, key, *commit, stage_name, format_stable_message(stable));
  if (!stable_tag) {
    return std::unexpected(stable_tag.error());
  }
  release.stable_tag = *stable_tag;
  fault_point("after-stable-tag");

  // 4. The signed audit-log entry.
  nlohmann::json approvals = nlohmann::json::array();
  for (const auto& approval : record.approvals) {
    approvals.push_back({{"name", approval.name},
                         {"email", approval.email},
                         {"fingerprint", approval.fingerprint},
                         {"approval", approval.approval.hex()}});
  }
  release.event = {{"format", 1},
                   {"event", "promote"},
                   {"time", who.time},
                   {"actor", {{"name", who.name}, {"email", who.email}, {"fingerprint", key.fingerprint}}},
                   {"release", plan.tag},
                   {"version", plan.next.str()},
                   {"commit", commit->hex()},
                   {"candidate", baseline.candidate.hex()},
                   {"release_tag", release_tag->hex()},
                   {"previous_stable", json_of(baseline.stable)},
                   {"approvals", approvals}};
  release.event[staged ? "stage_tag" : "stable_tag"] = stable_tag->hex();
  if (staged) {
    release.event["stage"] = stage_name;
    release.event["previous_at_stage"] = json_of(baseline.stage_release);
    release.event["stages"] = baseline.stage_path;
  }
  if (!record.rules.empty()) {
    release.event["rules"] = record.rules;
  }
  if (!record.sandbox.empty()) {
    release.event["sandbox"] = record.sandbox;
  }
  if (!record.floor_notes.empty()) {
    release.event["floor_notes"] = record.floor_notes;
  }
  if (record.recovered_trust_root) {
    release.event["recovered_trust_root"] = {{"tag", record.recovered_trust_root->tag},
                                             {"commit", record.recovered_trust_root->commit.hex()}};
  }
  auto log_commit = write_audit_entry(repo, gpg, key, baseline.log_head, release.event,
                                      fmt::format("promote {} ({})", plan.tag, commit->short_hex()));
  if (!log_commit) {
    return std::unexpected(log_commit.error());
  }
  release.log_commit = *log_commit;
  fault_point("after-log-commit");

  // 5. The ref updates, each against the value read at the start.
  release.journal.release = plan.tag;
  release.journal.updates = {
      {"branch", "refs/heads/" + baseline.branch, baseline.branch_tip, *commit},
      {"release-tag", "refs/tags/" + plan.tag, std::nullopt, *release_tag},
      {"stable", "refs/tags/" + stage_name, staged ? baseline.stage_tag : baseline.stable_tag, *stable_tag},
      {"log", k_audit_log_ref, baseline.log_head, *log_commit},
  };
  return release;
}

std::vector<std::string> publish_refspecs(const Journal& journal, const std::vector<std::string>& extra)
{
  std::vector<std::string> specs;
  for (const auto& update : journal.updates) {
    specs.push_back(fmt::format("{}{}:{}", update.kind == "stable" ? "+" : "", update.name, update.name));
  }
  for (const auto& name : extra) {
    specs.push_back(fmt::format("{}:{}", name, name));
  }
  return specs;
}

std::string publish_command(const Journal& journal)
{
  std::string command = "git push origin";
  for (const auto& update : journal.updates) {
    if (!update.name.starts_with("refs/tollgate/")) {
      command += fmt::format(" '{}{}:{}'", update.kind == "stable" ? "+" : "", update.name, update.name);
    }
  }
  return command + " 'refs/tollgate/*:refs/tollgate/*'";
}

} // namespace tollgate::core
