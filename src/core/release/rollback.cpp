#include "core/release/rollback.hpp"

#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/workspace.hpp"
#include "core/release/demotion.hpp"
#include "core/release/promotion.hpp"
#include "core/release/release_support.hpp"
#include "core/release/stage_commands.hpp"
#include "core/trust/require.hpp"
#include "core/trust/signing.hpp"
#include "git/objects.hpp"
#include "git/worktree.hpp"
#include "proc/sandbox.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::core {

namespace {

// After a failed redeploy: what stays as it was and how to retry the redeploy alone.
std::string retry_hint(const RollbackRequest& request, const Config& config, const std::string& release)
{
  const std::string stage = request.stage.empty() ? config.release.stable_tag : request.stage;
  const std::string again = request.stage.empty() ? "tollgate rollback" : "tollgate rollback --stage " + stage;
  std::string hint = request.demote ? fmt::format("{} stays demoted to {} (the audit log records it): run `{}` "
                                                  "(without --demote) to retry the redeploy alone",
                                                  stage, release, again)
                                    : fmt::format("{} is unchanged ({}): run `{}` to retry", stage, release, again);
  if (!request.worktree.empty()) {
    hint += fmt::format("; {} holds the release already: remove it, or name another --worktree", request.worktree);
  }
  return hint;
}

// Moves `stage` back (a dry run only says what it would do, in `result`).
void demote(const git::Repository& repo, const Workspace& workspace, const Config& config,
            const RollbackRequest& request, const std::string& stage, RollbackResult& result, Progress& progress)
{
  if (util::trim(request.reason).empty()) {
    usage_error(fmt::format("--demote needs --reason TEXT: the audit log records why {} moved back", stage));
  }
  auto current = read_current_stage(repo, stage);
  if (!current) {
    environment_error(current.error().message);
  }
  auto target = demotion_target(repo, *current, request.to);
  if (!target) {
    usage_error(target.error().message);
  }
  require_verified(repo, config, target->tag, "the release to demote to,");
  if (request.dry_run) {
    auto pending = read_journal(repo, workspace.git_dir);
    result.pending_journal = pending && *pending;
    result.demotion =
        fmt::format("would move {} from {} back to {} ({}), signed and recorded with the reason \"{}\"", stage,
                    current->record.release, target->tag, target->commit.short_hex(), request.reason);
    return;
  }
  const gpg::Context gpg = signing_context();
  auto key = choose_signing_key(gpg, repo, request.key, config.release.signing_key);
  if (!key) {
    environment_error("demotion refused: " + key.error().message);
  }
  require_maintainer_key(repo, config, current->commit, *key, "demotion");
  auto journal = write_demotion(repo, config, *current, *target, request.reason, gpg, *key);
  if (!journal) {
    environment_error("demotion failed before any ref moved: " + journal.error().message);
  }
  if (auto committed = commit_release(repo, workspace.git_dir, *journal); !committed) {
    environment_error("demotion stopped: " + committed.error().message);
  }
  if (!request.push.empty()) {
    if (auto done = git::push(repo, request.push, publish_refspecs(*journal)); !done) {
      environment_error(fmt::format("demoted here, but the push failed: {}; push it with `{}`, then run `tollgate "
                                    "rollback` (without --demote) to redeploy",
                                    done.error().message, publish_command(*journal)));
    }
  }
  progress.say(fmt::format("demoted {}: {} -> {} ({}), signed by {}", current->record.release, stage, target->tag,
                           target->commit.short_hex(), key->user_id));
  progress.say(request.push.empty() ? fmt::format("push it: {}", publish_command(*journal))
                                    : fmt::format("pushed to {}", request.push));
}

// Runs the rendered `deploy` in `where`, as the operator, unconfined, within the stage's time limit.
proc::Outcome run_deploy(const std::string& deploy, const std::filesystem::path& where, proc::Limits limits,
                         const std::string& hint, const Progress& progress)
{
  proc::Command command;
  if (auto words = util::split_simple_command(deploy)) {
    command.argv = *words;
  } else {
    command.argv = {"/bin/sh", "-c", deploy};
  }
  command.cwd = where.string();
  command.stdout_to_stderr = progress.json();
  // The deployment is the operator's command from the trust root, not the candidate's code: it runs
  // as the operator (it needs their credentials), with the limits and the time limit only.
  limits.confine = false;
  std::fflush(stdout); // our lines first, then the deploy command's own output
  auto outcome = proc::run(command, limits, nullptr);
  if (!outcome) {
    environment_error("deploy: " + outcome.error().message + "; " + hint);
  }
  return *outcome;
}

} // namespace

RollbackResult rollback(const RollbackRequest& request, Progress& progress)
{
  const Workspace workspace = find_workspace();
  const Config config = load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  // The stage and its deploy: release.stages at the trust root (docs/stages.md); without
  // --stage, stable with rollback.deploy unless the stages there give stable a deploy.
  const std::string stage = request.stage.empty() ? config.release.stable_tag : request.stage;
  // A trust root whose stages cannot be read does not stop the redeploy of stable (an emergency):
  // then rollback.deploy, as without stages.
  auto in_force = stages_in_force(repo, config, resolve_revision(repo, "HEAD"));
  if (!in_force && !request.stage.empty()) {
    throw Fatal(in_force.error().exit_code, in_force.error().message);
  }
  Config local_only = config;
  local_only.release.stages.clear();
  const StagePath path = in_force ? std::move(*in_force) : stage_path_of(local_only, "the work tree");
  const StageConfig& stage_config = path.stages[stage_index_or_fatal(path, stage)];
  const bool stage_deploy = path.configured && (!request.stage.empty() || !stage_config.deploy.empty());
  if (!request.dry_run && request.worktree.empty()) {
    // An in-place checkout needs a clean tree: check before anything moves.
    auto dirty = git::uncommitted_changes(repo);
    if (!dirty || !dirty->empty()) {
      environment_error(dirty ? fmt::format("the work tree has uncommitted changes ({}): commit or stash them, or "
                                            "use --worktree DIR",
                                            dirty->front())
                              : dirty.error().message);
    }
  }
  RollbackResult result;
  result.dry_run = request.dry_run;
  result.demote = request.demote;
  if (request.demote) {
    std::optional<PromotionLock> lock = promotion_lock(workspace, request.dry_run);
    if (lock) {
      refuse_pending_journal(repo, workspace);
    }
    demote(repo, workspace, config, request, stage, result, progress);
  }

  // Redeploy the stage: verified, checked out, deployed.
  auto current = read_current_stage(repo, stage);
  if (!current) {
    environment_error(current.error().message);
  }
  result.from = current->record.release;
  const std::string release = request.demote && request.dry_run
                                  ? demotion_target(repo, *current, request.to).value_or(DemotionTarget{}).tag
                                  : current->record.release;
  result.release = release;
  if (!request.dry_run) {
    require_verified(repo, config, stage, fmt::format("the {} release", stage));
  }
  const std::string bare_version =
      release.starts_with(config.release.tag_prefix) ? release.substr(config.release.tag_prefix.size()) : release;
  auto commit_id = git::resolve_commit(repo, release);
  const git::Oid target = commit_id ? *commit_id : current->commit;
  result.commit = target.hex();
  const std::filesystem::path where =
      request.worktree.empty() ? workspace.root : std::filesystem::absolute(request.worktree);
  result.checkout = request.worktree.empty() ? std::string("here") : where.string();
  const std::string deploy_template = stage_deploy ? stage_config.deploy : config.rollback.deploy;
  result.deploy =
      deploy_template.empty()
          ? std::string()
          : render_stage_command(deploy_template, {stage, release, bare_version, target},
                                 stage_deploy ? fmt::format("stage `{}` deploy", stage) : "rollback.deploy");
  if (request.dry_run) {
    return result;
  }
  const std::string hint = retry_hint(request, config, release);
  if (request.worktree.empty()) {
    if (auto done = git::checkout_detached(repo, target); !done) {
      environment_error(done.error().message + "; " + hint);
    }
  } else if (auto done = git::export_tree(repo, target, where); !done) {
    environment_error(done.error().message + "; " + hint);
  }
  progress.say(fmt::format("checked out {} ({}) {}", release, target.short_hex(),
                           request.worktree.empty() ? "here, detached" : "into " + where.string()));
  if (result.deploy.empty()) {
    progress.say("no rollback.deploy configured: nothing deployed");
    return result;
  }
  proc::Limits limits = effective_limits(config.sandbox);
  limits.network = stage_deploy ? proc::Network::allow : config.rollback.network;
  limits.timeout = std::chrono::milliseconds(
      static_cast<long long>((stage_deploy ? stage_config.timeout : config.rollback.timeout) * 1000.0));
  const proc::Outcome outcome = run_deploy(result.deploy, where, limits, hint, progress);
  // A failed deployment is the environment's (exit 3); `stable` and the audit log are already final.
  result.deployed = outcome.ended == proc::Ended::exited && outcome.exit_code == 0;
  result.outcome = outcome.describe();
  progress.say(fmt::format("deploy {}: {}", result.deployed ? "done" : "FAILED", result.outcome));
  if (!result.deployed) {
    result.failure = fmt::format("the deploy of {} failed ({}); {}", release, result.outcome, hint);
    result.exit_code = exit_code::k_environment;
    if (!progress.json()) {
      environment_error(result.failure);
    }
  }
  return result;
}

nlohmann::json to_json(const RollbackResult& result)
{
  if (result.dry_run) {
    return {{"dry_run", true},          {"demote", result.demote}, {"from", result.from},
            {"stable", result.release}, {"commit", result.commit}, {"checkout", result.checkout},
            {"deploy", result.deploy}};
  }
  if (result.deploy.empty()) {
    return {{"stable", result.release}, {"commit", result.commit}, {"deployed", false}};
  }
  nlohmann::json document = {{"stable", result.release},
                             {"commit", result.commit},
                             {"deployed", result.deployed},
                             {"deploy", result.deploy},
                             {"outcome", result.outcome}};
  if (!result.deployed) {
    document["retry"] = "tollgate rollback";
    document["error"] = {{"message", result.failure}, {"exit_code", exit_code::k_environment}};
  }
  return document;
}

std::vector<std::string> dry_run_lines(const RollbackResult& result, bool json)
{
  std::vector<std::string> lines;
  if (result.pending_journal) {
    lines.emplace_back("note: an interrupted promotion is pending; the real run would refuse until `tollgate "
                       "promote` finishes it");
  }
  if (json) {
    return lines;
  }
  if (!result.demotion.empty()) {
    lines.push_back(result.demotion);
  }
  lines.push_back(fmt::format("would check out {} ({}) {}", result.release, result.commit.substr(0, 7),
                              result.checkout == "here" ? "here, detached" : "into " + result.checkout));
  lines.push_back(result.deploy.empty() ? std::string("no rollback.deploy configured: nothing would be deployed")
                                        : "would run, in the sandbox: " + result.deploy);
  return lines;
}

} // namespace tollgate::core
