#pragma once
// What promote, rollback, approve and status share about stages (docs/stages.md): the stage path in
// force, the operator's commands (deploy, verify) and the move of a release to the next stage.

#include "cli/common.hpp"
#include "core/checklist/workspace.hpp"
#include "core/config/config.hpp"
#include "core/release/lock.hpp"
#include "core/release/stages.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "proc/sandbox.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tollgate::cli {

// Fatal(1) unless `tag` verifies (core/verify.hpp), naming each problem; `what` leads the message.
void require_verified(const git::Repository& repo, const core::Config& config, const std::string& tag,
                      const std::string& what);

// The promotion lock (core/lock.hpp), none for a dry run; Fatal(3) when another run holds it.
std::optional<core::PromotionLock> promotion_lock(const core::Workspace& workspace, bool dry_run);

// The stage path in force for `candidate` (release.stages at the trust root): Fatal(2) when that
// tollgate.yaml is invalid, Fatal(3) otherwise.
core::StagePath stage_path_or_fatal(const git::Repository& repo, const core::Config& config, const git::Oid& candidate);

// The index of stage `name` in `path`: Fatal(2) naming the stages when there is none.
std::size_t stage_index_or_fatal(const core::StagePath& path, const std::string& name);

// A release as the operator's commands see it.
struct StageRelease {
  std::string stage;
  std::string tag; // "v1.4.0"
  std::string version;
  git::Oid commit;
};

// `command` (mustache: {{tag}}, {{version}}, {{commit}}, {{stage}}) for `release`; Fatal(2) when
// the template is invalid (`what` names it).
std::string render_stage_command(const std::string& command, const StageRelease& release, const std::string& what);

// Runs the operator's `command` as the operator, unconfined with the network (it needs
// credentials), in a fresh export of the release's files that is removed afterwards, within
// `timeout` seconds. Its output goes to `log` when given, else to ours (our stderr under --json).
proc::Outcome run_operator_command(const git::Repository& repo, const StageRelease& release, const std::string& command,
                                   double timeout, const std::filesystem::path& log, const Globals& globals);

// Runs `stage`'s deploy for `release` after its tag moved; Fatal(3) with `retry` when it fails.
// Returns whether a deploy ran.
bool deploy_stage(const git::Repository& repo, const core::StageConfig& stage, const StageRelease& release,
                  const std::string& retry, const Globals& globals);

// Each stage of `path`: its release, since when, and what the move of the release at the stage before
// waits for (soak left, sign-offs missing), as lines for bare `tollgate` and as JSON.
struct StageStatus {
  std::vector<std::string> lines;
  nlohmann::json json = nlohmann::json::array();
};
StageStatus stage_status(const git::Repository& repo, const core::Config& config, const core::StagePath& path);

struct StageMoveOptions {
  std::string stage;
  std::string release; // empty: the release at the stage before
  std::string key;
  std::string push;
  bool dry_run = false;
};

// `promote --stage NAME [TAG]`: moves the release at the stage before to `stage`, all or nothing.
int run_stage_move(const StageMoveOptions& options, const Globals& globals);

} // namespace tollgate::cli
