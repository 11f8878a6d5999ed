// `tollgate gate [REV]`: the CI gate. Runs the checks that decide whether a change may merge without
// running its code: `trust-root` and `approvals` (always, with defaults when tollgate.yaml lists
// none) and every `policies` check; the command checks show their attested results (skipped when
// not attested). Exit 0 open, 1 closed, 2 usage/config, 3 environment.

#include "checks/registry.hpp"
#include "cli/common.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/limits.hpp"
#include "core/trust/require.hpp"
#include "openpgp/verify.hpp"
#include "util/fatal.hpp"

#include <algorithm>

namespace tollgate::cli {

namespace {

struct GateOptions {
  std::string revision = "HEAD";
  std::string junit;
};

bool is_gate_kind(const std::string& kind)
{
  return kind == "trust-root" || kind == "approvals" || kind == "policies";
}

int run_gate(const GateOptions& options, const Globals& globals)
{
  const std::jthread rnp_loader = openpgp::load_in_background(); // while the repository opens
  const core::Workspace workspace = core::find_workspace(core::WorkTree::optional);
  const core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = core::open_repository(workspace);
  const git::Oid candidate = core::resolve_revision(repo, options.revision);
  const core::TrustRoot root = core::trust_root_or_fatal(repo, config, candidate);
  const core::Floor floor = core::floor_or_fatal(repo, config, candidate);

  // The gate checks in force (core::load_floor: stable's, which a candidate cannot drop, then the
  // candidate's additions); an approvals check with defaults when none is listed. The command checks
  // are reported from their attestations (the policies see them), never run.
  std::vector<std::unique_ptr<checks::Check>> checks;
  for (const auto& spec : floor.config.checks) {
    if (is_gate_kind(spec.kind) || core::attestable_kind(spec.kind)) {
      checks.push_back(checks::create(spec, core::k_config_file));
    }
  }
  const proc::Limits limits =
      core::limits_in_force(floor.config, core::effective_limits(floor.config.sandbox), repo, candidate);
  core::use_attestations(checks, core::attestations_or_fatal(repo, root, floor.config, candidate, limits), true);
  if (std::none_of(checks.begin(), checks.end(), [](const auto& check) { return check->spec().kind == "approvals"; })) {
    checks.insert(checks.begin(), core::approvals_check(floor.config));
  }
  core::add_trust_root_check(checks, floor.config);
  core::RunOptions run;
  run.keep_going = true; // a gate reports every reason it is closed
  return run_and_report(checks, workspace, floor.config, candidate.hex(), run, ReportFiles{options.junit, {}}, globals,
                        RunExtras{.floor = core::floor_lines(floor),
                                  .snapshot = true,
                                  .repo = nullptr,
                                  .snapshot_of = {},
                                  .after_run = {},
                                  .shard_index = 0,
                                  .shard_count = 0});
}

} // namespace

std::function<int()> setup_gate(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<GateOptions>();
  app.add_option("revision", options->revision, "The candidate commit (default: HEAD)")->type_name("REV");
  app.add_option("--junit", options->junit, "Also write a JUnit XML report to FILE")->type_name("FILE");
  return [options, &globals] { return run_gate(*options, globals); };
}

} // namespace tollgate::cli
