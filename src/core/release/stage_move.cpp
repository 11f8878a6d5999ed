#include "core/release/stage_move.hpp"

#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/workspace.hpp"
#include "core/release/demotion.hpp"
#include "core/release/history_rewrites.hpp"
#include "core/release/promotion.hpp"
#include "core/release/release_support.hpp"
#include "core/release/signoffs.hpp"
#include "core/release/stage_commands.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/require.hpp"
#include "core/trust/signing.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/worktree.hpp"
#include "util/fatal.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <ctime>

namespace tollgate::core {

namespace {

[[noreturn]] void refused(const std::string& message)
{
  throw Fatal(exit_code::k_failed, message);
}

StageRelease release_of(const StageHolder& holder, const Config& config)
{
  const std::string& tag = holder.record.release;
  return StageRelease{holder.stage, tag,
                      tag.starts_with(config.release.tag_prefix) ? tag.substr(config.release.tag_prefix.size()) : tag,
                      holder.commit};
}

StageHolder holder_or_fatal(const git::Repository& repo, const std::string& stage)
{
  auto holder = read_stage(repo, stage);
  if (!holder) {
    environment_error(holder.error().message);
  }
  if (!*holder) {
    refused(fmt::format("stage move refused: nothing is at `{}` yet", stage));
  }
  return std::move(**holder);
}

// The sign-offs that do not count, one line each.
std::string refused_signoffs(const SignoffReport& report)
{
  std::vector<std::string> lines;
  for (const auto& signoff : report.signoffs) {
    if (!signoff.counts()) {
      lines.push_back(
          fmt::format("{}: {}", signoff.maintainer.empty() ? signoff.ref : signoff.maintainer, signoff.reason));
    }
  }
  return lines.empty() ? std::string() : fmt::format(" (not counted: {})", fmt::join(lines, "; "));
}

nlohmann::json signoffs_json(const std::vector<RecordedApproval>& signoffs)
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& signoff : signoffs) {
    list.push_back({{"name", signoff.name},
                    {"email", signoff.email},
                    {"fingerprint", signoff.fingerprint},
                    {"signoff", signoff.approval.hex()}});
  }
  return list;
}

} // namespace

StageMoveResult stage_move(const StageMoveRequest& request, Progress& progress)
{
  const Workspace workspace = find_workspace();
  const Config config = load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  require_full_history(repo, "a stage move (the trust root at stable, ancestry)");

  // 1. The lock; no interrupted promotion pending; no history rewrites.
  std::optional<PromotionLock> lock = promotion_lock(workspace, request.dry_run);
  if (auto plain = refuse_history_rewrites(repo); !plain) {
    environment_error("stage move refused: " + plain.error().message);
  }
  refuse_pending_journal(repo, workspace);

  // 2. The stage path in force (the trust root's), the stage and the one before it.
  const git::Oid head = resolve_revision(repo, "HEAD");
  const StagePath path = stage_path_or_fatal(repo, config, head);
  const std::size_t index = stage_index_or_fatal(path, request.stage);
  if (index == 0) {
    usage_error(fmt::format("`{}` is the first stage: `tollgate promote` (without --stage) cuts a release into it",
                            request.stage));
  }
  const StageConfig& stage = path.stages[index];
  const StageConfig& before = path.stages[index - 1];

  // 3. The release: the one at the stage before, now.
  const StageHolder from = holder_or_fatal(repo, before.name);
  const std::string& release = from.record.release;
  if (!request.release.empty() && request.release != release) {
    refused(fmt::format("stage move refused: {} is not at `{}` now ({} holds {}): only the release there moves on "
                        "to `{}`",
                        request.release, before.name, before.name, release, stage.name));
  }
  if (auto named = git::read_ref(repo, "refs/tags/" + release); !named || *named != from.record.release_tag) {
    refused(fmt::format("stage move refused: `{}` names {} {}, but that tag is not it", before.name, release,
                        from.record.release_tag.short_hex()));
  }

  // The stage before as tollgate signed and logged it: a tag put there by hand (its time would be the
  // soak's start) is refused here, not only by a later `tollgate verify`.
  require_verified(repo, config, before.name, "stage move refused: the release at");

  // 4. The stage now: never backwards, never the same release twice.
  auto current = read_stage(repo, stage.name);
  if (!current) {
    environment_error(current.error().message);
  }
  if (*current && (*current)->record.release_tag == from.record.release_tag) {
    refused(fmt::format("stage move refused: {} is at `{}` already", release, stage.name));
  }
  if (*current) {
    auto descends = git::descends_from(repo, from.commit, (*current)->commit);
    if (!descends || !*descends) {
      refused(fmt::format("stage move refused: {} does not descend from {} at `{}`: a stage never moves backwards "
                          "(`tollgate rollback --demote --stage {}` does)",
                          release, (*current)->record.release, stage.name, stage.name));
    }
  }

  // 5. The soak: how long the release has held the stage before (its tag's signed time).
  const std::int64_t now = std::time(nullptr);
  const std::int64_t held = now - from.since;
  if (held < stage.soak) {
    refused(fmt::format("stage move refused: {} has been at `{}` for {} of the {} soak `{}` requires ({} left)",
                        release, before.name, format_duration(held), format_duration(stage.soak), stage.name,
                        format_duration(stage.soak - held)));
  }

  // 6. The sign-offs, judged against the trust root.
  const TrustRoot root = trust_root_or_fatal(repo, config, from.commit);
  auto signoffs = evaluate_signoffs(repo, root, stage.name, release, from.record.release_tag, stage.signoffs);
  if (!signoffs) {
    environment_error(signoffs.error().message);
  }
  if (!signoffs->satisfied()) {
    refused(fmt::format("stage move refused: {} of {} sign-off{} of {} for `{}`{}; maintainers run `tollgate approve "
                        "--stage {} {}`",
                        signoffs->counted(), stage.signoffs, stage.signoffs == 1 ? "" : "s", release, stage.name,
                        refused_signoffs(*signoffs), stage.name, release));
  }

  // 7. The signing key: a maintainer's.
  const gpg::Context gpg = signing_context();
  auto key = choose_signing_key(gpg, repo, request.key, config.release.signing_key);
  if (!key) {
    environment_error("stage move refused: " + key.error().message);
  }
  require_maintainer_key(repo, config, from.commit, *key, "stage move");
  const StageRelease moving = release_of(from, config);
  const StageRelease arriving{stage.name, moving.tag, moving.version, moving.commit};
  const std::string verify =
      stage.verify.empty() ? std::string()
                           : render_stage_command(stage.verify, arriving, fmt::format("stage `{}` verify", stage.name));
  StageMoveResult result;
  result.dry_run = request.dry_run;
  result.release = release;
  result.from = before.name;
  result.stage = stage.name;
  result.held = held;
  result.counted = signoffs->counted();
  result.verify = verify;
  if (request.dry_run) {
    result.deploy = stage.deploy.empty()
                        ? std::string()
                        : render_stage_command(stage.deploy, arriving, fmt::format("stage `{}` deploy", stage.name));
    return result;
  }

  // 8. The verify command, run by tollgate, its output logged; a failure refuses the move.
  std::string verify_log;
  if (!verify.empty()) {
    std::string run_id;
    const std::filesystem::path dir = create_run_dir(workspace, run_id);
    const std::filesystem::path log = dir / fmt::format("verify-{}.log", stage.name);
    verify_log = log.string();
    progress.say(fmt::format("verify {} for `{}`: {}", release, stage.name, verify));
    const proc::Outcome outcome = run_operator_command(repo, arriving, verify, stage.timeout, log, progress);
    if (outcome.ended != proc::Ended::exited || outcome.exit_code != 0) {
      progress.warn(util::tail_lines(util::read_file_tail(log, 16384), 20));
      refused(fmt::format("stage move refused: the verify of {} for `{}` failed ({}); nothing was signed; its output: "
                          "{}",
                          release, stage.name, outcome.describe(), verify_log));
    }
    progress.say(fmt::format("verify passed: {}", outcome.describe()));
  }

  // 9. The signed stage tag and audit-log entry, then the refs, compare-and-swap.
  StageEvidence evidence;
  evidence.from_stage = before.name;
  evidence.from_tag = from.tag;
  evidence.entered = from.since;
  evidence.soak = stage.soak;
  evidence.held = held;
  for (const auto& signoff : signoffs->signoffs) {
    if (signoff.counts()) {
      evidence.signoffs.push_back(
          {signoff.maintainer, signoff.email, signoff.fingerprint, *git::Oid::parse(signoff.object)});
    }
  }
  evidence.verify = verify.empty() ? std::string() : "pass " + verify;
  auto log_head = git::read_ref(repo, k_audit_log_ref);
  if (!log_head) {
    environment_error(log_head.error().message);
  }
  StageTagWrite write;
  write.stage = stage.name;
  write.stable = stage.name == config.release.stable_tag;
  write.commit = from.commit;
  write.record.release = release;
  write.record.release_tag = from.record.release_tag;
  if (*current) {
    write.record.previous_stable = StableRef{(*current)->record.release, (*current)->commit};
  }
  write.record.stage = write.stable ? std::string() : stage.name;
  write.record.evidence = evidence;
  write.old_tag = *current ? std::optional<git::Oid>((*current)->tag) : std::nullopt;
  write.log_head = *log_head;
  write.event = {
      {"format", 1},
      {"event", "stage"},
      {"stage", stage.name},
      {"release", release},
      {"version", moving.version},
      {"commit", from.commit.hex()},
      {"release_tag", from.record.release_tag.hex()},
      {"from_stage", before.name},
      {"from_tag", from.tag.hex()},
      {"entered", from.since},
      {"soak", stage.soak},
      {"held", held},
      {"signoffs", signoffs_json(evidence.signoffs)},
      {"signoffs_required", stage.signoffs},
      {"verify", verify.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"command", verify}, {"status", "pass"}}},
      {"previous_at_stage",
       *current ? nlohmann::json{{"tag", (*current)->record.release}, {"commit", (*current)->commit.hex()}}
                : nlohmann::json(nullptr)}};
  write.summary = fmt::format("stage {} {} -> {}", release, before.name, stage.name);
  write.journal_name = fmt::format("the move of {} to {}", release, stage.name);
  auto journal = write_stage_tag(repo, gpg, *key, write);
  if (!journal) {
    environment_error("stage move failed before any ref moved: " + journal.error().message);
  }
  if (auto committed = commit_release(repo, workspace.git_dir, *journal); !committed) {
    environment_error("stage move stopped: " + committed.error().message);
  }
  lock.reset();
  progress.say(fmt::format("moved {} from `{}` to `{}` (held {}, {} sign-off{}{}), signed by {}", release, before.name,
                           stage.name, format_duration(held), evidence.signoffs.size(),
                           evidence.signoffs.size() == 1 ? "" : "s", verify.empty() ? "" : ", verify passed",
                           key->user_id));

  // 10. Push, when asked (or to release.remote): the stage tag, the log and the sign-offs.
  const std::string remote = request.push.empty() ? config.release.remote : request.push;
  if (!remote.empty()) {
    std::vector<std::string> extra;
    for (const auto& signoff : signoffs->signoffs) {
      extra.push_back(signoff.ref);
    }
    if (auto done = git::push(repo, remote, publish_refspecs(*journal, extra)); !done) {
      environment_error(fmt::format("moved here, but the push to {} failed: {}; push it with `{}`", remote,
                                    done.error().message, publish_command(*journal)));
    }
  } else {
    progress.say(fmt::format("push it: {}", publish_command(*journal)));
  }

  // 11. The stage's deploy, now that its tag moved.
  const bool deployed = deploy_stage(
      repo, stage, arriving,
      fmt::format("`{}` stays on {} (the audit log records it): `tollgate rollback --stage {}` retries the deploy",
                  stage.name, release, stage.name),
      progress);
  result.signoffs = signoffs_json(evidence.signoffs);
  result.verify_log = verify_log;
  result.deployed = deployed;
  result.pushed = remote;
  return result;
}

nlohmann::json to_json(const StageMoveResult& result)
{
  if (result.dry_run) {
    return {{"dry_run", true},     {"release", result.release},  {"from", result.from},     {"stage", result.stage},
            {"held", result.held}, {"signoffs", result.counted}, {"verify", result.verify}, {"deploy", result.deploy}};
  }
  return {{"moved", true},
          {"release", result.release},
          {"from", result.from},
          {"stage", result.stage},
          {"held", result.held},
          {"signoffs", result.signoffs},
          {"verify", result.verify},
          {"verify_log", result.verify_log},
          {"deployed", result.deployed},
          {"pushed", result.pushed}};
}

std::vector<std::string> dry_run_lines(const StageMoveResult& result)
{
  return {fmt::format("dry run: nothing was changed. Moving {} from `{}` to `{}` would:", result.release, result.from,
                      result.stage),
          fmt::format("  1. {}", result.verify.empty() ? "run no verify (the stage has none)"
                                                       : "run the verify: " + result.verify),
          fmt::format("  2. sign `{}` -> {} (held `{}` for {}, {} sign-off{}) and append it to refs/tollgate/log",
                      result.stage, result.release, result.from, format_duration(result.held), result.counted,
                      result.counted == 1 ? "" : "s"),
          fmt::format("  3. {}",
                      result.deploy.empty() ? "deploy nothing (the stage has no deploy)" : "deploy: " + result.deploy)};
}

} // namespace tollgate::core
