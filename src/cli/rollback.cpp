// `tollgate rollback`: redeploy `stable` — verify it, check it out (detached, here or in
// --worktree DIR), run `rollback.deploy` in the sandbox. With --demote, first move `stable` back to
// the stable release before it (or --to TAG), signed and recorded in the audit log with --reason.
// The demotion is final before the redeploy starts: a failed deploy exits 3 with `stable` demoted and
// says how to retry the redeploy alone (`tollgate rollback`). The steps are core::rollback's
// (core/release/rollback.hpp).

#include "core/release/rollback.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"

namespace tollgate::cli {

namespace {

int run_rollback(const core::RollbackRequest& request, const Globals& globals)
{
  TextProgress progress(globals);
  const core::RollbackResult result = core::rollback(request, progress);
  if (result.dry_run) {
    print_lines(core::dry_run_lines(result, globals.json));
  }
  if (globals.json) {
    print_json(core::to_json(result));
  }
  return result.exit_code;
}

} // namespace

std::function<int()> setup_rollback(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<core::RollbackRequest>();
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
