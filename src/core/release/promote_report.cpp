// What a promotion says: its --json document and its text (core/release/promote.hpp).

#include "core/checklist/report.hpp"
#include "core/release/promote.hpp"
#include "core/release/stage_commands.hpp"
#include "util/strings.hpp"
#include "version_files/diff.hpp"

#include <fmt/format.h>

namespace tollgate::core {

namespace {

nlohmann::json updates_json(const Journal& journal)
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& update : journal.updates) {
    list.push_back({{"ref", update.name},
                    {"old", update.old_value ? nlohmann::json(update.old_value->hex()) : nlohmann::json(nullptr)},
                    {"new", update.new_value.hex()}});
  }
  return list;
}

nlohmann::json cut_json(const PromoteResult& result)
{
  const std::string version = result.plan.next.str();
  if (result.outcome == PromoteOutcome::dry_run) {
    return {{"dry_run", true},
            {"candidate", result.candidate.hex()},
            {"version", version},
            {"tag", result.plan.tag},
            {"previous", result.plan.previous_tag},
            {"bump", changelog::to_string(result.plan.bump)},
            {"changelog", result.changelog_file},
            {"section", result.plan.section},
            {"version_files", version_files::to_json(result.version_edits, version)},
            {"stable", result.stable_tag},
            {"stage", result.first_stage.name},
            {"signing_key", result.key.fingerprint},
            {"remote", result.remote},
            {"rules", result.rules},
            {"floor", result.floor},
            {"attested", result.attested},
            {"checks", to_json(result.report)}};
  }
  return {{"promoted", true},
          {"deployed", result.deployed},
          {"version", version},
          {"tag", result.plan.tag},
          {"commit", result.objects.changelog_commit.hex()},
          {"version_files", version_files::to_json(result.version_edits, version)},
          {"candidate", result.candidate.hex()},
          {"release_tag", result.objects.release_tag.hex()},
          {"stable_tag", result.objects.stable_tag.hex()},
          {"stage", result.first_stage.name},
          {"log", result.objects.log_commit.hex()},
          {"refs", updates_json(result.journal)},
          {"pushed", result.pushed ? result.remote : std::string()},
          {"rules", result.rules},
          {"floor", result.floor},
          {"push", publish_command(result.journal)},
          {"attested", result.attested},
          {"checks", to_json(result.report)}};
}

std::vector<std::string> dry_run_text(const PromoteResult& result)
{
  const PromoteResult& r = result;
  const StageConfig& first = r.first_stage;
  std::vector<std::string> lines{"", "dry run: nothing was changed. A promotion would:"};
  const std::string versioned = version_files::changed_list(r.version_edits);
  lines.push_back(fmt::format("  1. commit {}{} on top of {} (the only change{}), with this section:", r.changelog_file,
                              versioned.empty() ? "" : " and the version in " + versioned, r.candidate.short_hex(),
                              versioned.empty() ? "" : "s"));
  for (const auto& line : util::split_lines(r.plan.section)) {
    lines.push_back(fmt::format("       | {}", line));
  }
  if (!versioned.empty()) {
    lines.emplace_back("     and these version-file edits:");
    for (const auto& line : util::split_lines(version_files::unified_diffs(r.version_edits))) {
      lines.push_back(fmt::format("       {}", line));
    }
  }
  lines.push_back(fmt::format("  2. tag it {} (signed by {}, with the promotion record)", r.plan.tag, r.key.user_id));
  lines.push_back(fmt::format("  3. move {} to {} (signed){}", first.name, r.plan.tag,
                              r.held.empty() ? std::string() : fmt::format(", from {}", r.held)));
  lines.emplace_back("  4. append the event to refs/tollgate/log (signed)");
  lines.push_back(fmt::format("  5. update refs/heads/{}, refs/tags/{}, refs/tags/{}, refs/tollgate/log", r.branch,
                              r.plan.tag, first.name));
  if (r.stages_configured && !first.deploy.empty()) {
    lines.push_back(fmt::format(
        "  then deploy to {}: {}", first.name,
        render_stage_command(first.deploy, {first.name, r.plan.tag, r.plan.next.str(), git::Oid{}}, "deploy")));
  }
  if (!r.remote.empty()) {
    lines.push_back(fmt::format(
        "  6. push them and the candidate's approvals to {} (checked: it is not ahead){}", r.remote,
        r.carried_release.empty() ? "" : fmt::format(", with {} (released here before)", r.carried_release)));
  }
  return lines;
}

std::vector<std::string> promoted_text(const PromoteResult& r)
{
  std::vector<std::string> lines{"", fmt::format("promoted {}: {} -> {} (CHANGELOG commit {}), signed by {}",
                                                 r.plan.tag, r.first_stage.name, r.plan.tag,
                                                 r.objects.changelog_commit.short_hex(), r.key.user_id)};
  if (const std::string versioned = version_files::changed_list(r.version_edits); !versioned.empty()) {
    lines.push_back(fmt::format("the release commit sets the version {} in {}", r.plan.next.str(), versioned));
  }
  if (!r.pushed) {
    lines.push_back(fmt::format("push it: {}", publish_command(r.journal)));
  } else {
    lines.push_back(fmt::format(
        "pushed to {}{}", r.remote,
        r.carried_release.empty() ? "" : fmt::format(" (with {}, released here before)", r.carried_release)));
  }
  return lines;
}

} // namespace

nlohmann::json to_json(const PromoteResult& result)
{
  switch (result.outcome) {
  case PromoteOutcome::nothing_to_abort:
  case PromoteOutcome::would_finish:
    return nullptr;
  case PromoteOutcome::aborted:
    return {{"aborted", result.release}, {"notes", result.notes}};
  case PromoteOutcome::finished:
    return {{"finished", result.release},
            {"refs", updates_json(result.journal)},
            {"push", publish_command(result.journal)}};
  case PromoteOutcome::would_push:
    return {{"dry_run", true}, {"push_finished", result.release}, {"remote", result.remote}};
  case PromoteOutcome::pushed:
    return {{"promoted", false}, {"pushed_finished", result.release}, {"pushed", result.remote}};
  case PromoteOutcome::refused:
    return {{"promoted", false}, {"floor", result.floor}, {"checks", to_json(result.report)}};
  case PromoteOutcome::dry_run:
  case PromoteOutcome::promoted:
    return cut_json(result);
  }
  return nullptr;
}

std::vector<std::string> to_text(const PromoteResult& result)
{
  switch (result.outcome) {
  case PromoteOutcome::nothing_to_abort:
    return {"no interrupted promotion to abort"};
  case PromoteOutcome::aborted: {
    std::vector<std::string> lines{fmt::format("aborted the interrupted promotion of {}", result.release)};
    for (const auto& note : result.notes) {
      lines.push_back(fmt::format("  {}", note));
    }
    return lines;
  }
  case PromoteOutcome::would_finish:
    return {fmt::format("would finish the interrupted promotion of {} first ({} ref updates)", result.release,
                        result.journal.updates.size())};
  case PromoteOutcome::finished:
    return {fmt::format("finished the interrupted promotion of {}", result.release),
            fmt::format("push it: {}", publish_command(result.journal))};
  case PromoteOutcome::would_push:
    return {fmt::format("would push the finished release {} to {} (released here, not there yet); nothing else",
                        result.release, result.remote)};
  case PromoteOutcome::pushed:
    return {fmt::format("pushed the finished release {} to {}", result.release, result.remote)};
  case PromoteOutcome::refused:
    return {};
  case PromoteOutcome::dry_run:
    return dry_run_text(result);
  case PromoteOutcome::promoted:
    return promoted_text(result);
  }
  return {};
}

} // namespace tollgate::core
