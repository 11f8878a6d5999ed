// `tollgate promote [REV]`: the promotion checklist, then the release, all or nothing (DESIGN.md
// §5): checks -> CHANGELOG commit -> signed vX.Y.Z -> signed stable -> audit log, refs last.

#include "changelog/plan.hpp"
#include "checks/registry.hpp"
#include "cli/attestation_support.hpp"
#include "cli/common.hpp"
#include "cli/repository_support.hpp"
#include "cli/stage_support.hpp"
#include "core/checklist/limits.hpp"
#include "core/checklist/report.hpp"
#include "core/release/history_rewrites.hpp"
#include "core/release/lock.hpp"
#include "core/release/promotion.hpp"
#include "core/release/remote_state.hpp"
#include "core/trust/signing.hpp"
#include "core/trust/trust_root_validation.hpp"
#include "git/objects.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"
#include "version_files/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace tollgate::cli {

namespace {

struct PromoteOptions {
  std::string revision = "HEAD";
  std::string version;
  std::string prerelease;
  bool dry_run = false;
  core::RunOptions run;
  std::string push;
  std::string key;
  bool abort = false;
  bool recover_trust_root = false;
  bool rerun = false;
  std::string stage; // --stage NAME: move an existing release to that stage (cli/stage_support)
};

nlohmann::json updates_json(const core::Journal& journal)
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& update : journal.updates) {
    list.push_back({{"ref", update.name},
                    {"old", update.old_value ? nlohmann::json(update.old_value->hex()) : nlohmann::json(nullptr)},
                    {"new", update.new_value.hex()}});
  }
  return list;
}

// The isolation the checks' commands actually ran under ("none" when no command ran).
std::string backend_in_force(const core::RunReport& report)
{
  for (const auto& check : report.checks) {
    if (check.result.outcome && check.result.outcome->backend != proc::Backend::none) {
      return std::string(proc::to_string(check.result.outcome->backend));
    }
  }
  return "none";
}

int finish_interrupted(const git::Repository& repo, const core::Workspace& workspace, const core::Journal& journal,
                       const PromoteOptions& options, const Globals& globals)
{
  if (options.dry_run) {
    fmt::print("would finish the interrupted promotion of {} first ({} ref updates)\n", journal.release,
               journal.updates.size());
    return exit_code::k_ok;
  }
  if (auto applied = core::apply_journal(repo, workspace.git_dir, journal); !applied) {
    environment_error(
        fmt::format("cannot finish the interrupted promotion of {}: {}; `tollgate promote --abort` puts back what it "
                    "had applied",
                    journal.release, applied.error().message));
  }
  if (globals.json) {
    print_json(
        {{"finished", journal.release}, {"refs", updates_json(journal)}, {"push", core::publish_command(journal)}});
  } else {
    fmt::print("finished the interrupted promotion of {}\npush it: {}\n", journal.release,
               core::publish_command(journal));
  }
  return exit_code::k_ok;
}

// The candidate's tollgate.yaml, MAINTAINERS.yaml and keys become the trust root once promoted: a
// set under which nothing could ever be approved would brick the repository (exit 2, every problem).
void refuse_broken_trust_root(const git::Repository& repo, const core::Config& config, const git::Oid& candidate)
{
  auto validated = core::validate_trust_root_at(repo, candidate, config, std::time(nullptr));
  if (!validated) {
    environment_error("promotion refused: cannot read the candidate's trust root: " + validated.error().message);
  }
  const core::TrustRootSummary& summary = *validated;
  if (summary.ok()) {
    return;
  }
  std::string message = "promotion refused: " + summary.problems.front();
  for (std::size_t i = 1; i < summary.problems.size(); ++i) {
    message += "\ntollgate: error: " + summary.problems[i];
  }
  message += fmt::format("\nnothing was written: promoted, {} would become a trust root under which no release "
                         "could be approved; fix it in a new commit",
                         candidate.short_hex());
  usage_error(message);
}

// The remote to check and push to: --push, else release.remote (which must be a remote of this clone).
std::string remote_in_use(const git::Repository& repo, const core::Config& config, const PromoteOptions& options)
{
  if (!options.push.empty() || config.release.remote.empty()) {
    return options.push;
  }
  if (!git::remote_url(repo, config.release.remote)) {
    environment_error(fmt::format("promotion refused: release.remote `{0}` is not a remote of this clone (git remote "
                                  "add {0} URL)",
                                  config.release.remote));
  }
  return config.release.remote;
}

// Before anything is signed: the remote is fetched (objects only) and must not be ahead of or
// diverged from this clone. Returns the finished release it lacks, if any (a push that failed).
std::optional<core::PendingRelease> check_remote(const git::Repository& repo, const core::Config& config,
                                                 const std::string& remote)
{
  auto view = core::read_remote(repo, config, remote);
  if (!view) {
    environment_error(fmt::format("promotion refused: {}", view.error().message));
  }
  auto conflicts = core::remote_conflicts(repo, config, *view);
  if (!conflicts) {
    environment_error(fmt::format("promotion refused: cannot compare with {}: {}", remote, conflicts.error().message));
  }
  if (!conflicts->empty()) {
    environment_error(fmt::format("promotion refused: {}{} is ahead of or diverged from this clone: {}; nothing was "
                                  "signed or changed",
                                  remote, view->url != remote ? " (" + view->url + ")" : "",
                                  fmt::join(*conflicts, "; ")));
  }
  auto pending = core::pending_release(repo, config, *view);
  if (!pending) {
    environment_error(fmt::format("promotion refused: {}", pending.error().message));
  }
  return *pending;
}

// Pushes the finished release `pending` instead of cutting a new one.
int push_pending(const git::Repository& repo, const std::string& remote, const core::PendingRelease& pending,
                 const PromoteOptions& options, const Globals& globals)
{
  if (options.dry_run) {
    if (globals.json) {
      print_json({{"dry_run", true}, {"push_finished", pending.release}, {"remote", remote}});
    } else {
      fmt::print("would push the finished release {} to {} (released here, not there yet); nothing else\n",
                 pending.release, remote);
    }
    return exit_code::k_ok;
  }
  if (auto done = core::push_release(repo, remote, pending.journal, pending.candidate); !done) {
    environment_error(fmt::format("{} is released here, but the push to {} failed again: {}", pending.release, remote,
                                  done.error().message));
  }
  if (globals.json) {
    print_json({{"promoted", false}, {"pushed_finished", pending.release}, {"pushed", remote}});
  } else {
    fmt::print("pushed the finished release {} to {}\n", pending.release, remote);
  }
  return exit_code::k_ok;
}

int run_promote(const PromoteOptions& options, const Globals& globals)
{
  if (!options.stage.empty()) {
    return run_stage_move({options.stage, options.revision == "HEAD" ? std::string() : options.revision, options.key,
                           options.push, options.dry_run},
                          globals);
  }
  const core::Workspace workspace = core::find_workspace();
  core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  require_full_history(repo, "a promotion (the changelog since the last release, the trust root at stable)");

  // 1. The lock, then any promotion a crash interrupted.
  std::optional<core::PromotionLock> lock = promotion_lock(workspace, options.dry_run);
  if (lock) {
    core::fault_point("after-lock");
  }
  if (auto plain = core::refuse_history_rewrites(repo); !plain) {
    environment_error("promotion refused: " + plain.error().message);
  }
  auto journal = core::read_journal(repo, workspace.git_dir);
  if (!journal) {
    environment_error(fmt::format("{}\nnothing was changed; `tollgate promote --abort` is not offered for a journal "
                                  "tollgate cannot trust: inspect it, then delete it",
                                  journal.error().message));
  }
  if (options.abort) {
    if (!*journal) {
      fmt::print("no interrupted promotion to abort\n");
      return exit_code::k_ok;
    }
    auto notes = core::abort_journal(repo, workspace.git_dir, **journal);
    if (!notes) {
      environment_error(
          fmt::format("cannot abort the promotion of {}: {}", (*journal)->release, notes.error().message));
    }
    if (globals.json) {
      print_json({{"aborted", (*journal)->release}, {"notes", *notes}});
    } else {
      fmt::print("aborted the interrupted promotion of {}\n", (*journal)->release);
      for (const auto& note : *notes) {
        fmt::print("  {}\n", note);
      }
    }
    return exit_code::k_ok;
  }
  if (*journal) {
    return finish_interrupted(repo, workspace, **journal, options, globals);
  }

  // 1b. The remote, when pushing: refused when it is ahead or diverged, before anything is signed; a
  //     finished release it lacks (its push failed) is pushed instead of cutting a new one.
  const std::string remote = remote_in_use(repo, config, options);
  std::vector<std::string> carried; // a finished release the branch has moved past: its tag and approvals
  std::string carried_release;
  if (!remote.empty()) {
    if (auto pending = check_remote(repo, config, remote); pending && !pending->superseded) {
      return push_pending(repo, remote, *pending, options, globals);
    } else if (pending) {
      carried = core::approval_refs(repo, pending->candidate);
      carried.push_back("refs/tags/" + pending->release);
      carried_release = pending->release;
    }
  }

  // 2. What the repository is now; refuse a dirty tree, the wrong branch, a candidate off stable;
  //    with stages (release.stages at the trust root), the cut moves the first stage's tag.
  const core::StagePath stages = stage_path_or_fatal(repo, config, resolve_revision(repo, options.revision));
  const core::StageConfig& first_stage = stages.stages.front();
  auto baseline = core::read_baseline(repo, config, options.revision, first_stage.name);
  if (!baseline) {
    throw Fatal(baseline.error().exit_code, "promotion refused: " + baseline.error().message);
  }
  if (stages.staged()) {
    baseline->stage_path = stages.to_json();
  }

  // 2b. What the candidate would make the trust root: refused when no later promotion could pass.
  refuse_broken_trust_root(repo, config, baseline->candidate);
  std::optional<core::Recovery> recovery;
  if (options.recover_trust_root) {
    recovery = recover_trust_root_or_fatal(repo, config, globals.json);
  }

  // 3. The version and the CHANGELOG section, before anything runs.
  changelog::PlanOptions plan_options;
  plan_options.tag_prefix = config.release.tag_prefix;
  plan_options.candidate = baseline->candidate.hex();
  if (!options.version.empty()) {
    plan_options.version = options.version;
  }
  plan_options.prerelease = options.prerelease;
  plan_options.templates_root = workspace.root;
  auto plan = changelog::plan_release(repo, config.changelog, plan_options);
  if (!plan) {
    usage_error("promotion refused: " + plan.error().message);
  }
  if (plan->nothing_to_release) {
    throw Fatal(exit_code::k_failed, fmt::format("promotion refused: nothing to release since {}",
                                                 plan->previous_tag.empty() ? "the start" : plan->previous_tag));
  }
  // 3b. The version strings of release.version_files, located before anything runs (exit 2).
  auto version_edits =
      version_files::plan_edits(repo, baseline->candidate, config.release.version_files, plan->next.str());
  if (!version_edits) {
    usage_error("promotion refused: " + version_edits.error().message);
  }
  if (baseline->stable) {
    const std::string& stable_tag = baseline->stable->tag;
    const std::string bare = stable_tag.starts_with(config.release.tag_prefix)
                                 ? stable_tag.substr(config.release.tag_prefix.size())
                                 : stable_tag;
    // Another prerelease channel of the same line (an alpha after the beta that is stable) is no step
    // back: the plan counted it from the last final release, as semantic-release does.
    const auto other_channel = [&](const changelog::Version& stable_version) {
      return stable_version.is_prerelease() && plan->next.is_prerelease() &&
             stable_version.prerelease.front() != plan->next.prerelease.front() &&
             !changelog::precedes(plan->next.core(), stable_version.core());
    };
    if (auto stable_version = changelog::parse_version(bare);
        stable_version && !changelog::precedes(*stable_version, plan->next) && !other_channel(*stable_version)) {
      usage_error(fmt::format("promotion refused: {} is not higher than the stable release {}", plan->tag, stable_tag));
    }
  }
  if (baseline->stage_release) {
    const std::string& held = baseline->stage_release->tag;
    if (auto held_version = changelog::parse_version(
            held.starts_with(config.release.tag_prefix) ? held.substr(config.release.tag_prefix.size()) : held);
        held_version && !changelog::precedes(*held_version, plan->next)) {
      usage_error(
          fmt::format("promotion refused: {} is not higher than {} at `{}`", plan->tag, held, first_stage.name));
    }
  }

  // 4. The signing key: present, able to sign, and without a prompt nobody could answer.
  auto gpg = gpg::Context::create();
  if (!gpg) {
    environment_error(gpg.error().message);
  }
  if (isatty(STDIN_FILENO) == 0) {
    gpg->never_prompt();
  }
  auto key = core::choose_signing_key(*gpg, repo, options.key, config.release.signing_key);
  if (!key) {
    environment_error("promotion refused: " + key.error().message);
  }
  if (auto probe = gpg->sign_detached("tollgate signing probe", key->fingerprint); !probe) {
    environment_error("promotion refused: " + probe.error().message);
  }
  require_maintainer_key(repo, config, baseline->candidate, *key, "promotion");

  // 5. The checklist in force: tollgate.yaml at stable is the floor (DESIGN.md §7.6), approvals
  //    included (added with defaults when none is listed); the limits in force read from the commit.
  const core::Floor floor = floor_or_fatal(repo, config, baseline->candidate);
  auto checks = core::build_checklist(floor.config);
  if (std::none_of(checks.begin(), checks.end(), [](const auto& check) { return check->spec().kind == "approvals"; })) {
    checks.push_back(approvals_check(floor.config));
  }
  core::validate_selection(checks, options.run);
  std::string run_id;
  checks::Context context = make_context(workspace, floor.config, baseline->candidate.hex(), run_id);
  context.snapshot = true;
  context.limits = core::limits_in_force(floor.config, context.limits, repo, baseline->candidate);
  // 5b. A check whose valid attestation covers this tree and its definition in force is not run
  //     again (docs/attestations.md); --rerun runs them all.
  std::vector<std::string> attested;
  if (!options.rerun) {
    attested =
        use_attestations(checks, attestations_or_fatal(repo, trust_root_or_fatal(repo, config, baseline->candidate),
                                                       floor.config, baseline->candidate, context.limits));
  }
  // The checks run on a snapshot of the candidate, confined; what is released is what they judged.
  const Judging judging = begin_judging(context, checks, &repo, baseline->candidate);
  const std::vector<std::string> floor_text = floor_lines(floor);
  if (!globals.json) {
    for (const auto& line : floor_text) {
      fmt::print("{}\n", line);
    }
    for (const auto& line : attested) {
      fmt::print("not run: {}\n", line);
    }
    std::fflush(stdout);
  }
  core::RunReport report = run_with_reporter(checks, context, options.run, globals);
  report.run_id = run_id;
  if (!end_judging(judging, context).empty()) {
    throw Fatal(exit_code::k_failed, "promotion refused: the repository changed while the checks ran");
  }
  if (const int code = report.exit_code(); code != 0) {
    if (globals.json) {
      print_json({{"promoted", false}, {"floor", floor_text}, {"checks", core::to_json(report)}});
    } else {
      std::fprintf(stderr, "tollgate: promotion refused: the checklist did not pass\n");
    }
    return code;
  }

  // 6. A dry run stops here and says what would happen.
  const std::string changelog_file = config.release.changelog;
  if (options.dry_run) {
    nlohmann::json document = {{"dry_run", true},
                               {"candidate", baseline->candidate.hex()},
                               {"version", plan->next.str()},
                               {"tag", plan->tag},
                               {"previous", plan->previous_tag},
                               {"bump", changelog::to_string(plan->bump)},
                               {"changelog", changelog_file},
                               {"section", plan->section},
                               {"version_files", version_files::to_json(*version_edits, plan->next.str())},
                               {"stable", config.release.stable_tag},
                               {"stage", first_stage.name},
                               {"signing_key", key->fingerprint},
                               {"remote", remote},
                               {"rules", floor.rules()},
                               {"floor", floor_text},
                               {"attested", attested},
                               {"checks", core::to_json(report)}};
    if (globals.json) {
      print_json(document);
      return exit_code::k_ok;
    }
    fmt::print("\ndry run: nothing was changed. A promotion would:\n");
    const std::string versioned = version_files::changed_list(*version_edits);
    fmt::print("  1. commit {}{} on top of {} (the only change{}), with this section:\n", changelog_file,
               versioned.empty() ? "" : " and the version in " + versioned, baseline->candidate.short_hex(),
               versioned.empty() ? "" : "s");
    for (const auto& line : util::split_lines(plan->section)) {
      fmt::print("       | {}\n", line);
    }
    if (!versioned.empty()) {
      fmt::print("     and these version-file edits:\n");
      for (const auto& line : util::split_lines(version_files::unified_diffs(*version_edits))) {
        fmt::print("       {}\n", line);
      }
    }
    fmt::print("  2. tag it {} (signed by {}, with the promotion record)\n", plan->tag, key->user_id);
    const auto& held = stages.staged() ? baseline->stage_release : baseline->stable;
    fmt::print("  3. move {} to {} (signed){}\n", first_stage.name, plan->tag,
               held ? fmt::format(", from {}", held->tag) : std::string());
    fmt::print("  4. append the event to refs/tollgate/log (signed)\n");
    fmt::print("  5. update refs/heads/{}, refs/tags/{}, refs/tags/{}, refs/tollgate/log\n", baseline->branch,
               plan->tag, first_stage.name);
    if (stages.configured && !first_stage.deploy.empty()) {
      fmt::print("  then deploy to {}: {}\n", first_stage.name,
                 render_stage_command(first_stage.deploy, {first_stage.name, plan->tag, plan->next.str(), git::Oid{}},
                                      "deploy"));
    }
    if (!remote.empty()) {
      fmt::print("  6. push them and the candidate's approvals to {} (checked: it is not ahead){}\n", remote,
                 carried_release.empty() ? "" : fmt::format(", with {} (released here before)", carried_release));
    }
    return exit_code::k_ok;
  }

  // 7. Objects first (CHANGELOG commit, signed tags, signed log entry), then every ref, compare-and-swap.
  core::PromotionRecord rules;
  rules.rules = floor.rules();
  rules.sandbox = core::describe_limits(context.limits, backend_in_force(report));
  rules.floor_notes = floor.notes;
  if (recovery) {
    rules.recovered_trust_root = core::StableRef{recovery->root.release, recovery->root.commit};
  }
  auto release = core::write_release(repo, config, *baseline, *plan, report, *gpg, *key, rules, *version_edits);
  if (!release) {
    environment_error("promotion failed before any ref moved: " + release.error().message);
  }
  if (auto committed = core::commit_release(repo, workspace.git_dir, release->journal); !committed) {
    environment_error("promotion stopped: " + committed.error().message);
  }
  lock.reset();

  // 8. Push, when asked.
  std::string pushed;
  if (!remote.empty()) {
    if (auto done = core::push_release(repo, remote, release->journal, baseline->candidate, carried); !done) {
      environment_error(fmt::format("released {} here, but the push to {} failed: {}; the release is complete in this "
                                    "clone: `tollgate promote --push {}` pushes it",
                                    plan->tag, remote, done.error().message, remote));
    }
    pushed = remote;
  }
  // 9. The first stage's deploy (release.stages at the trust root), now that its tag moved.
  const StageRelease released{first_stage.name, plan->tag, plan->next.str(), release->changelog_commit};
  const std::string retry = fmt::format("`{}` stays on {}: `tollgate rollback --stage {}` retries the deploy",
                                        first_stage.name, plan->tag, first_stage.name);
  if (globals.json) {
    const bool deployed = stages.configured && deploy_stage(repo, first_stage, released, retry, globals);
    print_json({{"promoted", true},
                {"deployed", deployed},
                {"version", plan->next.str()},
                {"tag", plan->tag},
                {"commit", release->changelog_commit.hex()},
                {"version_files", version_files::to_json(*version_edits, plan->next.str())},
                {"candidate", baseline->candidate.hex()},
                {"release_tag", release->release_tag.hex()},
                {"stable_tag", release->stable_tag.hex()},
                {"stage", first_stage.name},
                {"log", release->log_commit.hex()},
                {"refs", updates_json(release->journal)},
                {"pushed", pushed},
                {"rules", floor.rules()},
                {"floor", floor_text},
                {"push", core::publish_command(release->journal)},
                {"attested", attested},
                {"checks", core::to_json(report)}});
    return exit_code::k_ok;
  }
  fmt::print("\npromoted {}: {} -> {} (CHANGELOG commit {}), signed by {}\n", plan->tag, first_stage.name, plan->tag,
             release->changelog_commit.short_hex(), key->user_id);
  if (const std::string versioned = version_files::changed_list(*version_edits); !versioned.empty()) {
    fmt::print("the release commit sets the version {} in {}\n", plan->next.str(), versioned);
  }
  if (pushed.empty()) {
    fmt::print("push it: {}\n", core::publish_command(release->journal));
  } else {
    fmt::print("pushed to {}{}\n", pushed,
               carried_release.empty() ? "" : fmt::format(" (with {}, released here before)", carried_release));
  }
  if (stages.configured) {
    deploy_stage(repo, first_stage, released, retry, globals);
  }
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_promote(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<PromoteOptions>();
  app.add_option("revision", options->revision, "The candidate: the tip of release.branch (default: HEAD)")
      ->type_name("REV");
  auto* version =
      app.add_option("--version", options->version, "Release this version (must be higher)")->type_name("X.Y.Z");
  auto* prerelease = app.add_option("--prerelease", options->prerelease, "Release a prerelease: X.Y.Z-ID.N")
                         ->type_name("ID")
                         ->excludes(version);
  app.add_flag("--dry-run,-n", options->dry_run, "Say everything that would happen; change nothing");
  app.add_flag("--keep-going,-k", options->run.keep_going, "Run every check even after one fails");
  app.add_option("--jobs,-j", options->run.jobs,
                 "Run up to N independent read-only checks at once (default and 0: one per CPU; 1: one by one)")
      ->type_name("N")
      ->check(CLI::Range(0u, 256u));
  app.add_option("--push", options->push,
                 "Check REMOTE first, then push the branch, the tags and refs/tollgate/* to it (default: "
                 "release.remote)")
      ->type_name("REMOTE");
  app.add_option("--key", options->key, "Sign with this secret key (fingerprint, key id or email)")->type_name("FPR");
  auto* recover = app.add_flag("--recover-trust-root", options->recover_trust_root,
                               "The trust root at stable is broken: count approvals under the last release whose "
                               "trust root is usable (docs/approvals.md)");
  auto* rerun = app.add_flag("--rerun", options->rerun, "Run every check, even those a valid attestation covers");
  auto* abort = app.add_flag("--abort", options->abort,
                             "Undo an interrupted promotion that cannot be finished (refs back to where they were)");
  // A stage move cuts nothing: the options of a cut do not apply to it.
  app.add_option("--stage", options->stage,
                 "Move the release at the stage before NAME (or REV, its tag) to NAME: no new release "
                 "(docs/stages.md)")
      ->type_name("NAME")
      ->excludes(version)
      ->excludes(prerelease)
      ->excludes(recover)
      ->excludes(rerun)
      ->excludes(abort);
  return [options, &globals] { return run_promote(*options, globals); };
}

} // namespace tollgate::cli
