// Bare `tollgate`: where this repository stands and the one next step (no tollgate.yaml: init; a
// candidate awaiting approvals: who approved so far; enough approvals: promote), with release.stages
// each stage's release, since when and what its next move waits for, then the commands.

#include "cli/common.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/release/release_support.hpp"
#include "core/release/stage_commands.hpp"
#include "core/trust/require.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unistd.h>

namespace tollgate::cli {

namespace {

struct Status {
  Status(std::string where, std::string step) : state(std::move(where)), next(std::move(step)) {}
  std::string state;
  std::string next;
  core::StageStatus stages; // with release.stages (docs/stages.md): each stage's release and next move
};

// The stages in force, when release.stages lists them; none when they cannot be read.
core::StageStatus stages_of(const git::Repository& repo, const core::Config& config, const git::Oid& head)
{
  auto path = core::stages_in_force(repo, config, head);
  if (!path || !path->configured) {
    return {};
  }
  return core::stage_status(repo, config, *path);
}

// The candidate (HEAD) against the approvals check `approvals` runs, and stable.
Status candidate_state(const core::Workspace& workspace, const core::Config& config, const git::Repository& repo,
                       const git::Oid& head)
{
  if (auto stable = git::read_ref(repo, "refs/tags/" + config.release.stable_tag); stable && *stable) {
    if (auto commit = git::peel_to_commit(repo, **stable); commit && *commit == head) {
      return {fmt::format("HEAD ({}) is the `{}` release", head.short_hex(), config.release.stable_tag),
              "commit the next change; `tollgate changelog` previews the next release"};
    }
  }
  core::trust_root_or_fatal(repo, config, head);
  checks::Context context;
  context.root = workspace.root;
  context.git_dir = workspace.git_dir;
  context.config = &config;
  context.revision = head.hex();
  const checks::CheckResult result = core::approvals_check(config)->run(context);
  if (result.status == checks::Status::error) {
    return {fmt::format("candidate {}: {}", head.short_hex(), result.summary), "`tollgate doctor`"};
  }
  std::vector<std::string> approvers;
  for (const auto& approval : result.details.value("approvals", nlohmann::json::array())) {
    if (approval.value("counts", false)) {
      approvers.push_back(approval.value("name", approval.value("ref", "?")));
    }
  }
  std::ranges::sort(approvers); // by name: the refs are ordered by key fingerprint, which means nothing to a reader
  const std::string who = approvers.empty() ? "nobody yet" : fmt::format("{}", fmt::join(approvers, ", "));
  const int counted = result.details.value("counted", 0);
  const int required = result.details.value("required", 0);
  if (result.status == checks::Status::pass) {
    return {fmt::format("candidate {} has {} of {} required approvals (approved by {})", head.short_hex(), counted,
                        required, who),
            "`tollgate promote` (`--dry-run` first to see every step)"};
  }
  return {fmt::format("candidate {} awaits approvals: {} of {} required (approved by {})", head.short_hex(), counted,
                      required, who),
          fmt::format("maintainers run `tollgate approve {}`; `tollgate approvals` says why one does not count",
                      head.short_hex())};
}

Status candidate_status(const core::Workspace& workspace)
{
  const core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = core::open_repository(workspace);
  const git::Oid head = core::resolve_revision(repo, "HEAD");
  Status status = candidate_state(workspace, config, repo, head);
  status.stages = stages_of(repo, config, head);
  return status;
}

Status repository_status()
{
  core::Workspace workspace;
  try {
    workspace = core::find_workspace(core::WorkTree::optional);
  } catch (const Fatal& error) {
    return {error.what(), "run tollgate inside the git repository it governs (or give -C DIR)"};
  }
  if (!workspace.bare() && !std::filesystem::exists(workspace.config_path)) {
    return {fmt::format("no {} in {}", core::k_config_file, workspace.root.string()),
            "`tollgate init` writes one adapted to this repository"};
  }
  try {
    return candidate_status(workspace);
  } catch (const Fatal& error) {
    return {error.what(), "`tollgate doctor` shows what is missing or invalid"};
  }
}

} // namespace

int run_status(const CLI::App& root, const Globals& globals)
{
  const Status status = repository_status();
  std::vector<const CLI::App*> commands;
  for (const CLI::App* sub : root.get_subcommands({})) {
    if (!sub->get_group().empty()) {
      commands.push_back(sub);
    }
  }
  if (globals.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const CLI::App* sub : commands) {
      list.push_back({{"name", sub->get_name()}, {"summary", sub->get_description()}});
    }
    print_json({{"state", status.state}, {"next", status.next}, {"stages", status.stages.json}, {"commands", list}});
    return exit_code::k_ok;
  }
  util::Style style;
  style.color = globals.color_on(STDOUT_FILENO);
  fmt::print("{}\n", status.state);
  for (const auto& line : status.stages.lines) {
    fmt::print("  {}\n", line);
  }
  fmt::print("{} {}\n\n", style.bold("next:"), status.next);
  fmt::print("Commands (tollgate COMMAND --help for each):\n");
  for (const CLI::App* sub : commands) {
    fmt::print("  {:<11} {}\n", sub->get_name(), sub->get_description());
  }
  return exit_code::k_ok;
}

} // namespace tollgate::cli
