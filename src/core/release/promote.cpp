#include "core/release/promote.hpp"

#include "core/checklist/judging.hpp"

#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/limits.hpp"
#include "core/checklist/workspace.hpp"
#include "core/release/history_rewrites.hpp"
#include "core/release/lock.hpp"
#include "core/release/promote_steps.hpp"
#include "core/release/release_support.hpp"
#include "core/release/remote_state.hpp"
#include "core/release/stage_commands.hpp"
#include "core/trust/require.hpp"
#include "git/objects.hpp"
#include "openpgp/verify.hpp"
#include "util/fatal.hpp"
#include "version_files/edit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace tollgate::core {

namespace {

// A crash interrupted a promotion: finish it (refs as its journal says), or say so in a dry run.
PromoteResult finish_interrupted(const git::Repository& repo, const Workspace& workspace, Journal journal, bool dry_run)
{
  PromoteResult result;
  result.release = journal.release;
  result.outcome = dry_run ? PromoteOutcome::would_finish : PromoteOutcome::finished;
  if (!dry_run) {
    if (auto applied = apply_journal(repo, workspace.git_dir, journal); !applied) {
      environment_error(fmt::format("cannot finish the interrupted promotion of {}: {}; `tollgate promote --abort` "
                                    "puts back what it had applied",
                                    journal.release, applied.error().message));
    }
  }
  result.journal = std::move(journal);
  return result;
}

// --abort: what an interrupted promotion applied goes back.
PromoteResult abort_interrupted(const git::Repository& repo, const Workspace& workspace,
                                const std::optional<Journal>& journal)
{
  PromoteResult result;
  result.outcome = PromoteOutcome::nothing_to_abort;
  if (!journal) {
    return result;
  }
  auto notes = abort_journal(repo, workspace.git_dir, *journal);
  if (!notes) {
    environment_error(fmt::format("cannot abort the promotion of {}: {}", journal->release, notes.error().message));
  }
  result.outcome = PromoteOutcome::aborted;
  result.release = journal->release;
  result.notes = std::move(*notes);
  return result;
}

// Pushes the finished release `pending` instead of cutting a new one.
PromoteResult push_pending(const git::Repository& repo, const std::string& remote, PendingRelease pending, bool dry_run)
{
  PromoteResult result;
  result.outcome = dry_run ? PromoteOutcome::would_push : PromoteOutcome::pushed;
  result.release = pending.release;
  result.remote = remote;
  if (!dry_run) {
    if (auto done = push_release(repo, remote, pending.journal, pending.candidate); !done) {
      environment_error(fmt::format("{} is released here, but the push to {} failed again: {}", pending.release, remote,
                                    done.error().message));
    }
  }
  result.journal = std::move(pending.journal);
  return result;
}

} // namespace

PromoteResult promote(const PromoteRequest& request, Progress& progress, PromoteObserver& observer)
{
  const Workspace workspace = find_workspace();
  Config config = load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  require_full_history(repo, "a promotion (the changelog since the last release, the trust root at stable)");

  // 1. The lock, then any promotion a crash interrupted.
  std::optional<PromotionLock> lock = promotion_lock(workspace, request.dry_run);
  if (lock) {
    fault_point("after-lock");
  }
  if (auto plain = refuse_history_rewrites(repo); !plain) {
    environment_error("promotion refused: " + plain.error().message);
  }
  auto journal = read_journal(repo, workspace.git_dir);
  if (!journal) {
    environment_error(fmt::format("{}\nnothing was changed; `tollgate promote --abort` is not offered for a journal "
                                  "tollgate cannot trust: inspect it, then delete it",
                                  journal.error().message));
  }
  if (request.abort) {
    return abort_interrupted(repo, workspace, *journal);
  }
  if (*journal) {
    return finish_interrupted(repo, workspace, std::move(**journal), request.dry_run);
  }
  // gpgme's engine check (five processes) and librnp load on threads of their own meanwhile, and
  // the candidate's snapshot and the confinement probe start (judging.hpp), guessed from the revision.
  const std::jthread gpg_loader = gpg::load_in_background();
  const std::jthread rnp_loader = openpgp::load_in_background();
  std::optional<JudgingHeadStart> head_start;
  if (auto guess = git::resolve_commit(repo, request.revision)) {
    head_start.emplace(repo.git_dir(), *guess, effective_limits(config.sandbox));
  }

  // 1b. The remote, when pushing: refused when it is ahead or diverged, before anything is signed; a
  //     finished release it lacks (its push failed) is pushed instead of cutting a new one.
  PromoteResult result;
  result.remote = remote_in_use(repo, config, request.push);
  std::vector<std::string> carried; // a finished release the branch has moved past: its tag and approvals
  if (!result.remote.empty()) {
    if (auto pending = check_remote(repo, config, result.remote); pending && !pending->superseded) {
      return push_pending(repo, result.remote, std::move(*pending), request.dry_run);
    } else if (pending) {
      carried = approval_refs(repo, pending->candidate);
      carried.push_back("refs/tags/" + pending->release);
      result.carried_release = pending->release;
    }
  }

  // 2. What the repository is now; refuse a dirty tree, the wrong branch, a candidate off stable;
  //    with stages (release.stages at the trust root), the cut moves the first stage's tag.
  const StagePath stages = stage_path_or_fatal(repo, config, resolve_revision(repo, request.revision));
  result.first_stage = stages.stages.front();
  result.stages_configured = stages.configured;
  auto baseline = read_baseline(repo, config, request.revision, result.first_stage.name);
  if (!baseline) {
    throw Fatal(baseline.error().exit_code, "promotion refused: " + baseline.error().message);
  }
  if (stages.staged()) {
    baseline->stage_path = stages.to_json();
  }
  result.candidate = baseline->candidate;
  result.branch = baseline->branch;
  const auto& held = stages.staged() ? baseline->stage_release : baseline->stable;
  result.held = held ? held->tag : std::string();

  // 2b. What the candidate would make the trust root: refused when no later promotion could pass.
  refuse_broken_trust_root(repo, config, baseline->candidate);
  std::optional<Recovery> recovery;
  if (request.recover_trust_root) {
    recovery = recover_trust_root_or_fatal(repo, config);
    progress.say(recovery_note(*recovery, config));
  }

  // 3. The version and the CHANGELOG section, before anything runs; the version strings of
  //    release.version_files, located before anything runs (exit 2).
  result.plan = plan_or_fatal(repo, config, workspace, *baseline, request);
  auto version_edits =
      version_files::plan_edits(repo, baseline->candidate, config.release.version_files, result.plan.next.str());
  if (!version_edits) {
    usage_error("promotion refused: " + version_edits.error().message);
  }
  result.version_edits = std::move(*version_edits);
  refuse_lower_version(config, *baseline, result.plan, result.first_stage.name);

  // 4. The signing key: present, able to sign, and without a prompt nobody could answer.
  const gpg::Context gpg = signing_context();
  result.key = signing_key_or_fatal(gpg, repo, config, request.key, baseline->candidate);

  // 5. The checklist in force: tollgate.yaml at stable is the floor (DESIGN.md §7.6), approvals
  //    included (added with defaults when none is listed); the limits in force read from the commit.
  const Floor floor = floor_or_fatal(repo, config, baseline->candidate);
  auto checks = build_checklist(floor.config);
  if (std::none_of(checks.begin(), checks.end(), [](const auto& check) { return check->spec().kind == "approvals"; })) {
    checks.push_back(approvals_check(floor.config));
  }
  validate_selection(checks, request.run);
  std::string run_id;
  checks::Context context = make_context(workspace, floor.config, baseline->candidate.hex(), run_id);
  context.snapshot = true;
  context.limits = limits_in_force(floor.config, context.limits, repo, baseline->candidate);
  // 5b. A check whose valid attestation covers this tree and its definition in force is not run
  //     again (docs/attestations.md); --rerun runs them all.
  if (!request.rerun) {
    result.attested =
        use_attestations(checks, attestations_or_fatal(repo, trust_root_or_fatal(repo, config, baseline->candidate),
                                                       floor.config, baseline->candidate, context.limits));
  }
  // The checks run on a snapshot of the candidate, confined; what is released is what they judged.
  result.floor = floor_lines(floor);
  result.rules = floor.rules();
  Judged judged = observer.run_checklist(checks, context, request.run, repo, baseline->candidate,
                                         head_start ? &*head_start : nullptr, result.floor, result.attested);
  result.report = std::move(judged.report);
  result.report.run_id = run_id;
  if (judged.changed) {
    throw Fatal(exit_code::k_failed, "promotion refused: the repository changed while the checks ran");
  }
  result.release = result.plan.tag;
  result.changelog_file = config.release.changelog;
  result.stable_tag = config.release.stable_tag;
  if (const int code = result.report.exit_code(); code != 0) {
    result.outcome = PromoteOutcome::refused;
    result.exit_code = code;
    return result;
  }

  // 6. A dry run stops here and says what would happen.
  if (request.dry_run) {
    result.outcome = PromoteOutcome::dry_run;
    return result;
  }

  // 7. Objects first (CHANGELOG commit, signed tags, signed log entry), then every ref, compare-and-swap.
  PromotionRecord rules;
  rules.rules = floor.rules();
  rules.sandbox = describe_limits(context.limits, backend_in_force(result.report));
  rules.floor_notes = floor.notes;
  if (recovery) {
    rules.recovered_trust_root = StableRef{recovery->root.release, recovery->root.commit};
  }
  auto objects =
      write_release(repo, config, *baseline, result.plan, result.report, gpg, result.key, rules, result.version_edits);
  if (!objects) {
    environment_error("promotion failed before any ref moved: " + objects.error().message);
  }
  if (auto committed = commit_release(repo, workspace.git_dir, objects->journal); !committed) {
    environment_error("promotion stopped: " + committed.error().message);
  }
  lock.reset();
  result.objects = std::move(*objects);
  result.journal = result.objects.journal;

  // 8. Push, when asked.
  if (!result.remote.empty()) {
    if (auto done = push_release(repo, result.remote, result.journal, baseline->candidate, carried); !done) {
      environment_error(fmt::format("released {} here, but the push to {} failed: {}; the release is complete in this "
                                    "clone: `tollgate promote --push {}` pushes it",
                                    result.plan.tag, result.remote, done.error().message, result.remote));
    }
    result.pushed = true;
  }
  result.outcome = PromoteOutcome::promoted;
  observer.released(result);

  // 9. The first stage's deploy (release.stages at the trust root), now that its tag moved.
  if (stages.configured) {
    const StageConfig& first = result.first_stage;
    const StageRelease released{first.name, result.plan.tag, result.plan.next.str(), result.objects.changelog_commit};
    result.deployed = deploy_stage(repo, first, released,
                                   fmt::format("`{}` stays on {}: `tollgate rollback --stage {}` retries the deploy",
                                               first.name, result.plan.tag, first.name),
                                   progress);
  }
  return result;
}

} // namespace tollgate::core
