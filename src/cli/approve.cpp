// `tollgate approve [REV]`: a maintainer's GPG-signed approval of exactly that commit, stored at
// refs/tollgate/approvals/<commit>/<fingerprint> (DESIGN.md §4). Approving again replaces one's own.
// With --stage, a sign-off of a release for a stage. The steps are core::approve's
// (core/release/approve.hpp).

#include "core/release/approve.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::cli {

namespace {

int run_approve(const core::ApproveRequest& request, const Globals& globals)
{
  TextProgress progress(globals);
  const core::ApproveResult result = core::approve(request, progress);
  if (globals.json) {
    print_json(core::to_json(result));
    return exit_code::k_ok;
  }
  for (const auto& line : core::to_text(result)) {
    fmt::print("{}\n", line); // not flushed: as before, warnings may come first on a shared pipe
  }
  for (const auto& warning : result.warnings) {
    std::fprintf(stderr, "tollgate: warning: %s\n", warning.c_str());
  }
  fmt::print("Share it: {}\n", core::k_approvals_push_hint);
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_approve(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<core::ApproveRequest>();
  app.add_option("revision", options->revision, "The commit to approve (default: HEAD)")->type_name("REV");
  app.add_option("--comment", options->comment, "A one-line comment kept in the approval")->type_name("TEXT");
  app.add_option("--key", options->key, "Sign with this secret key (fingerprint, key id or email)")->type_name("FPR");
  app.add_option("--stage", options->stage,
                 "Sign off the release tag REV for stage NAME instead (refs/tollgate/signoffs/, docs/stages.md)")
      ->type_name("NAME");
  app.add_flag("--recover-trust-root", options->recover_trust_root,
               "The trust root at stable is broken: approve as a maintainer of the last usable one");
  return [options, &globals] { return run_approve(*options, globals); };
}

} // namespace tollgate::cli
