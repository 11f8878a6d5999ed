#pragma once
// The operator's commands of a stage (docs/stages.md): deploy and verify, rendered for a release and
// run unconfined in an export of it; and each stage's state, for bare `tollgate`.

#include "core/config/config.hpp"
#include "core/release/progress.hpp"
#include "core/release/stages.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "proc/sandbox.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tollgate::core {

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
// `timeout` seconds. Its output goes to `log` when given, else to ours (stderr under JSON).
proc::Outcome run_operator_command(const git::Repository& repo, const StageRelease& release, const std::string& command,
                                   double timeout, const std::filesystem::path& log, const Progress& progress);

// Runs `stage`'s deploy for `release` after its tag moved; Fatal(3) with `retry` when it fails.
// Returns whether a deploy ran.
bool deploy_stage(const git::Repository& repo, const StageConfig& stage, const StageRelease& release,
                  const std::string& retry, Progress& progress);

// Each stage of `path`: its release, since when, and what the move of the release at the stage before
// waits for (soak left, sign-offs missing), as lines for bare `tollgate` and as JSON.
struct StageStatus {
  std::vector<std::string> lines;
  nlohmann::json json = nlohmann::json::array();
};
StageStatus stage_status(const git::Repository& repo, const Config& config, const StagePath& path);

} // namespace tollgate::core
