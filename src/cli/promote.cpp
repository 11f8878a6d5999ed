// `tollgate promote [REV]`: the promotion checklist, then the release, all or nothing (DESIGN.md
// §5): checks -> CHANGELOG commit -> signed vX.Y.Z -> signed stable -> audit log, refs last. The
// steps are core::promote's (core/release/promote.hpp); `--stage` is core::stage_move's.

#include "core/release/promote.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "core/release/stage_move.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::cli {

namespace {

struct PromoteOptions {
  core::PromoteRequest request;
  std::string stage; // --stage NAME: move an existing release to that stage (core/release/stage_move)
};

// What a promotion says while it runs: the checklist's live report, the lines of the release and
// of the first stage's deploy.
class Observer final : public core::PromoteObserver {
public:
  explicit Observer(const Globals& globals) : m_globals(globals) {}

  core::Judged run_checklist(std::vector<std::unique_ptr<checks::Check>>& checks, checks::Context& context,
                             const core::RunOptions& run, const git::Repository& repo, const git::Oid& candidate,
                             core::JudgingHeadStart* head_start, const std::vector<std::string>& floor,
                             const std::vector<std::string>& attested) override
  {
    const core::Judging judging = core::begin_judging(context, checks, &repo, candidate, head_start);
    if (!m_globals.json) {
      print_lines(floor);
      for (const auto& line : attested) {
        fmt::print("not run: {}\n", line);
      }
      std::fflush(stdout);
    }
    core::Judged judged{run_with_reporter(checks, context, run, m_globals), false};
    judged.changed = !end_judging(judging, context).empty();
    return judged;
  }

  void released(const core::PromoteResult& result) override
  {
    if (!m_globals.json) {
      print_lines(core::to_text(result));
    }
  }

private:
  const Globals& m_globals;
};

int run_stage_move(const PromoteOptions& options, const Globals& globals)
{
  const core::PromoteRequest& cut = options.request;
  TextProgress progress(globals);
  const core::StageMoveResult result = core::stage_move(
      {options.stage, cut.revision == "HEAD" ? std::string() : cut.revision, cut.key, cut.push, cut.dry_run}, progress);
  if (globals.json) {
    print_json(core::to_json(result));
  } else if (result.dry_run) {
    print_lines(core::dry_run_lines(result));
  }
  return exit_code::k_ok;
}

int run_promote(const PromoteOptions& options, const Globals& globals)
{
  if (!options.stage.empty()) {
    return run_stage_move(options, globals);
  }
  TextProgress progress(globals);
  Observer observer(globals);
  const core::PromoteResult result = core::promote(options.request, progress, observer);
  if (const nlohmann::json document = core::to_json(result); globals.json && !document.is_null()) {
    print_json(document);
  } else if (result.outcome == core::PromoteOutcome::refused) {
    std::fprintf(stderr, "tollgate: promotion refused: the checklist did not pass\n");
  } else if (result.outcome != core::PromoteOutcome::promoted) {
    print_lines(core::to_text(result)); // a promotion's text came before its deploy
  }
  return result.exit_code;
}

} // namespace

std::function<int()> setup_promote(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<PromoteOptions>();
  app.add_option("revision", options->request.revision, "The candidate: the tip of release.branch (default: HEAD)")
      ->type_name("REV");
  auto* version = app.add_option("--version", options->request.version, "Release this version (must be higher)")
                      ->type_name("X.Y.Z");
  auto* prerelease = app.add_option("--prerelease", options->request.prerelease, "Release a prerelease: X.Y.Z-ID.N")
                         ->type_name("ID")
                         ->excludes(version);
  app.add_flag("--dry-run,-n", options->request.dry_run, "Say everything that would happen; change nothing");
  app.add_flag("--keep-going,-k", options->request.run.keep_going, "Run every check even after one fails");
  app.add_option("--jobs,-j", options->request.run.jobs,
                 "Run up to N independent read-only checks at once (default and 0: one per CPU; 1: one by one)")
      ->type_name("N")
      ->check(CLI::Range(0u, 256u));
  app.add_option("--push", options->request.push,
                 "Check REMOTE first, then push the branch, the tags and refs/tollgate/* to it (default: "
                 "release.remote)")
      ->type_name("REMOTE");
  app.add_option("--key", options->request.key, "Sign with this secret key (fingerprint, key id or email)")
      ->type_name("FPR");
  auto* recover = app.add_flag("--recover-trust-root", options->request.recover_trust_root,
                               "The trust root at stable is broken: count approvals under the last release whose "
                               "trust root is usable (docs/approvals.md)");
  auto* rerun =
      app.add_flag("--rerun", options->request.rerun, "Run every check, even those a valid attestation covers");
  auto* abort = app.add_flag("--abort", options->request.abort,
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
