// `tollgate rollback`: redeploy `stable` — verify it, check it out (detached, here or in
// --worktree DIR), run `rollback.deploy` in the sandbox. With --demote, first move `stable` back to
// the stable release before it (or --to TAG), signed and recorded in the audit log with --reason.
// The demotion is final before the redeploy starts: a failed deploy exits 3 with `stable` demoted and
// says how to retry the redeploy alone (`tollgate rollback`).

#include "cli/common.hpp"
#include "cli/repository_support.hpp"
#include "core/release/demotion.hpp"
#include "core/release/lock.hpp"
#include "core/release/promotion.hpp"
#include "core/release/release_support.hpp"
#include "core/release/stage_commands.hpp"
#include "core/release/verify.hpp"
#include "core/trust/signing.hpp"
#include "git/objects.hpp"
#include "git/worktree.hpp"
#include "proc/sandbox.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace tollgate::cli {

namespace {

struct RollbackOptions {
  bool demote = false;
  std::string to;
  std::string reason;
  std::string worktree;
  std::string key;
  std::string push;
  bool dry_run = false;
  std::string stage; // --stage NAME (docs/stages.md); empty: stable
};

// After a failed redeploy: what stays as it was and how to retry the redeploy alone.
std::string retry_hint(const RollbackOptions& options, const core::Config& config, const std::string& release)
{
  const std::string stage = options.stage.empty() ? config.release.stable_tag : options.stage;
  const std::string again = options.stage.empty() ? "tollgate rollback" : "tollgate rollback --stage " + stage;
  std::string hint = options.demote ? fmt::format("{} stays demoted to {} (the audit log records it): run `{}` "
                                                  "(without --demote) to retry the redeploy alone",
                                                  stage, release, again)
                                    : fmt::format("{} is unchanged ({}): run `{}` to retry", stage, release, again);
  if (!options.worktree.empty()) {
    hint += fmt::format("; {} holds the release already: remove it, or name another --worktree", options.worktree);
  }
  return hint;
}

core::Journal demote(const git::Repository& repo, const core::Workspace& workspace, const core::Config& config,
                     const RollbackOptions& options, const std::string& stage, const Globals& globals)
{
  if (util::trim(options.reason).empty()) {
    usage_error(fmt::format("--demote needs --reason TEXT: the audit log records why {} moved back", stage));
  }
  auto current = core::read_current_stage(repo, stage);
  if (!current) {
    environment_error(current.error().message);
  }
  auto target = core::demotion_target(repo, *current, options.to);
  if (!target) {
    usage_error(target.error().message);
  }
  core::require_verified(repo, config, target->tag, "the release to demote to,");
  if (options.dry_run) {
    if (auto pending = core::read_journal(repo, workspace.git_dir); pending && *pending) {
      fmt::print("note: an interrupted promotion is pending; the real run would refuse until `tollgate promote` "
                 "finishes it\n");
    }
    if (!globals.json) {
      fmt::print("would move {} from {} back to {} ({}), signed and recorded with the reason \"{}\"\n", stage,
                 current->record.release, target->tag, target->commit.short_hex(), options.reason);
    }
    return {};
  }
  const gpg::Context gpg = signing_context();
  auto key = core::choose_signing_key(gpg, repo, options.key, config.release.signing_key);
  if (!key) {
    environment_error("demotion refused: " + key.error().message);
  }
  require_maintainer_key(repo, config, current->commit, *key, "demotion");
  auto journal = core::write_demotion(repo, config, *current, *target, options.reason, gpg, *key);
  if (!journal) {
    environment_error("demotion failed before any ref moved: " + journal.error().message);
  }
  if (auto committed = core::commit_release(repo, workspace.git_dir, *journal); !committed) {
    environment_error("demotion stopped: " + committed.error().message);
  }
  if (!options.push.empty()) {
    if (auto done = git::push(repo, options.push, core::publish_refspecs(*journal)); !done) {
      environment_error(fmt::format("demoted here, but the push failed: {}; push it with `{}`, then run `tollgate "
                                    "rollback` (without --demote) to redeploy",
                                    done.error().message, core::publish_command(*journal)));
    }
  }
  if (!globals.json) {
    fmt::print("demoted {}: {} -> {} ({}), signed by {}\n", current->record.release, stage, target->tag,
               target->commit.short_hex(), key->user_id);
    if (options.push.empty()) {
      fmt::print("push it: {}\n", core::publish_command(*journal));
    } else {
      fmt::print("pushed to {}\n", options.push);
    }
  }
  return std::move(*journal);
}

int run_rollback(const RollbackOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace();
  const core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  // The stage and its deploy: release.stages at the trust root (docs/stages.md); without
  // --stage, stable with rollback.deploy unless the stages there give stable a deploy.
  const std::string stage = options.stage.empty() ? config.release.stable_tag : options.stage;
  // A trust root whose stages cannot be read does not stop the redeploy of stable (an emergency):
  // then rollback.deploy, as without stages.
  auto in_force = core::stages_in_force(repo, config, resolve_revision(repo, "HEAD"));
  if (!in_force && !options.stage.empty()) {
    throw Fatal(in_force.error().exit_code, in_force.error().message);
  }
  core::Config local_only = config;
  local_only.release.stages.clear();
  const core::StagePath path = in_force ? std::move(*in_force) : core::stage_path_of(local_only, "the work tree");
  const core::StageConfig& stage_config = path.stages[core::stage_index_or_fatal(path, stage)];
  const bool stage_deploy = path.configured && (!options.stage.empty() || !stage_config.deploy.empty());
  if (!options.dry_run && options.worktree.empty()) {
    // An in-place checkout needs a clean tree: check before anything moves.
    auto dirty = git::uncommitted_changes(repo);
    if (!dirty || !dirty->empty()) {
      environment_error(dirty ? fmt::format("the work tree has uncommitted changes ({}): commit or stash them, or "
                                            "use --worktree DIR",
                                            dirty->front())
                              : dirty.error().message);
    }
  }
  std::optional<core::PromotionLock> lock;
  core::Journal journal;
  if (options.demote) {
    if (!options.dry_run) {
      auto acquired = core::PromotionLock::acquire(workspace.git_dir);
      if (!acquired) {
        environment_error(acquired.error().message);
      }
      lock.emplace(std::move(*acquired));
      auto pending = core::read_journal(repo, workspace.git_dir);
      if (!pending) {
        environment_error(pending.error().message);
      }
      if (*pending) {
        environment_error("an interrupted promotion is pending: run `tollgate promote` to finish it first");
      }
    }
    journal = demote(repo, workspace, config, options, stage, globals);
    lock.reset();
  }

  // Redeploy the stage: verified, checked out, deployed.
  auto current = core::read_current_stage(repo, stage);
  if (!current) {
    environment_error(current.error().message);
  }
  const std::string release =
      options.demote && options.dry_run
          ? core::demotion_target(repo, *current, options.to).value_or(core::DemotionTarget{}).tag
          : current->record.release;
  if (!options.dry_run) {
    core::require_verified(repo, config, stage, fmt::format("the {} release", stage));
  }
  const std::string bare_version =
      release.starts_with(config.release.tag_prefix) ? release.substr(config.release.tag_prefix.size()) : release;
  auto commit_id = git::resolve_commit(repo, release);
  const std::string commit = commit_id ? commit_id->hex() : current->commit.hex();
  const std::filesystem::path where =
      options.worktree.empty() ? workspace.root : std::filesystem::absolute(options.worktree);
  const std::string deploy_template = stage_deploy ? stage_config.deploy : config.rollback.deploy;
  const std::string deploy =
      deploy_template.empty()
          ? std::string()
          : core::render_stage_command(deploy_template, {stage, release, bare_version, *git::Oid::parse(commit)},
                                       stage_deploy ? fmt::format("stage `{}` deploy", stage) : "rollback.deploy");
  if (options.dry_run) {
    if (globals.json) {
      print_json({{"dry_run", true},
                  {"demote", options.demote},
                  {"from", current->record.release},
                  {"stable", release},
                  {"commit", commit},
                  {"checkout", options.worktree.empty() ? std::string("here") : where.string()},
                  {"deploy", deploy}});
      return exit_code::k_ok;
    }
    fmt::print("would check out {} ({}) {}\n", release, commit.substr(0, 7),
               options.worktree.empty() ? "here, detached" : "into " + where.string());
    fmt::print("{}\n", deploy.empty() ? std::string("no rollback.deploy configured: nothing would be deployed")
                                      : "would run, in the sandbox: " + deploy);
    return exit_code::k_ok;
  }
  const auto target = *git::Oid::parse(commit);
  if (options.worktree.empty()) {
    if (auto done = git::checkout_detached(repo, target); !done) {
      environment_error(done.error().message + "; " + retry_hint(options, config, release));
    }
  } else if (auto done = git::export_tree(repo, target, where); !done) {
    environment_error(done.error().message + "; " + retry_hint(options, config, release));
  }
  if (!globals.json) {
    fmt::print("checked out {} ({}) {}\n", release, commit.substr(0, 7),
               options.worktree.empty() ? "here, detached" : "into " + where.string());
  }
  if (deploy.empty()) {
    if (!globals.json) {
      fmt::print("no rollback.deploy configured: nothing deployed\n");
    } else {
      print_json({{"stable", release}, {"commit", commit}, {"deployed", false}});
    }
    return exit_code::k_ok;
  }
  proc::Command command;
  if (auto words = util::split_simple_command(deploy)) {
    command.argv = *words;
  } else {
    command.argv = {"/bin/sh", "-c", deploy};
  }
  command.cwd = where.string();
  command.stdout_to_stderr = globals.json;
  proc::Limits limits = core::effective_limits(config.sandbox);
  limits.network = stage_deploy ? proc::Network::allow : config.rollback.network;
  // The deployment is the operator's command from the trust root, not the candidate's code: it runs
  // as the operator (it needs their credentials), with the limits and the time limit only.
  limits.confine = false;
  limits.timeout = std::chrono::milliseconds(
      static_cast<long long>((stage_deploy ? stage_config.timeout : config.rollback.timeout) * 1000.0));
  std::fflush(stdout); // our lines first, then the deploy command's own output
  auto outcome = proc::run(command, limits, nullptr);
  if (!outcome) {
    environment_error("deploy: " + outcome.error().message + "; " + retry_hint(options, config, release));
  }
  // A failed deployment is the environment's (exit 3); `stable` and the audit log are already final.
  const bool ok = outcome->ended == proc::Ended::exited && outcome->exit_code == 0;
  const std::string failure = fmt::format("the deploy of {} failed ({}); {}", release, outcome->describe(),
                                          retry_hint(options, config, release));
  if (globals.json) {
    nlohmann::json document = {{"stable", release},
                               {"commit", commit},
                               {"deployed", ok},
                               {"deploy", deploy},
                               {"outcome", outcome->describe()}};
    if (!ok) {
      document["retry"] = "tollgate rollback";
      document["error"] = {{"message", failure}, {"exit_code", exit_code::k_environment}};
    }
    print_json(document);
    return ok ? exit_code::k_ok : exit_code::k_environment;
  }
  fmt::print("deploy {}: {}\n", ok ? "done" : "FAILED", outcome->describe());
  if (!ok) {
    environment_error(failure);
  }
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_rollback(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<RollbackOptions>();
  auto* demote = app.add_flag("--demote", options->demote, "First move stable back to the previous stable release");
  app.add_option("--to", options->to, "With --demote: the release to move stable to")->type_name("TAG")->needs(demote);
  app.add_option("--reason", options->reason, "With --demote: why (recorded in the audit log)")
      ->type_name("TEXT")
      ->needs(demote);
  app.add_option("--worktree", options->worktree, "Check the release out into DIR instead of here")->type_name("DIR");
  app.add_option("--key", options->key, "Sign the demotion with this secret key")->type_name("FPR");
  app.add_option("--push", options->push, "With --demote: push stable and the audit log to REMOTE")
      ->type_name("REMOTE")
      ->needs(demote);
  app.add_option("--stage", options->stage,
                 "Redeploy (with --demote: first move back) the release of stage NAME instead of stable "
                 "(docs/stages.md)")
      ->type_name("NAME");
  app.add_flag("--dry-run,-n", options->dry_run, "Say what would happen; change nothing");
  return [options, &globals] { return run_rollback(*options, globals); };
}

} // namespace tollgate::cli
