// How `check` and `gate` run a checklist and report it: live or plain text, JSON, JUnit and SARIF,
// Ctrl-C cancelling the checks, and what changed in the judge while they ran.

#include "cli/common.hpp"
#include "core/checklist/judging.hpp"
#include "core/checklist/limits.hpp"
#include "core/checklist/report.hpp"
#include "core/checklist/runner.hpp"
#include "util/fatal.hpp"

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace tollgate::cli {

namespace {

extern "C" void on_interrupt(int /*signal*/)
{
  core::interrupted().store(true);
}

} // namespace

core::RunReport run_with_reporter(std::vector<std::unique_ptr<checks::Check>>& checks, const checks::Context& context,
                                  const core::RunOptions& run, const Globals& globals)
{
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const bool annotations = util::github_actions();
  if (globals.json) {
    core::QuietReporter reporter(annotations);
    return core::run_checklist(checks, context, run, reporter);
  }
  core::TextOptions text;
  text.live = globals.live_on(STDOUT_FILENO);
  text.style.color = globals.color_on(STDOUT_FILENO);
  text.verbosity = globals.quiet ? -1 : globals.verbose;
  text.annotations = annotations;
  core::TextReporter reporter(stdout, text);
  return core::run_checklist(checks, context, run, reporter);
}

int run_and_report(std::vector<std::unique_ptr<checks::Check>>& checks, const core::Workspace& workspace,
                   const core::Config& config, const std::string& revision, const core::RunOptions& run,
                   const ReportFiles& files, const Globals& globals, const RunExtras& extras)
{
  if (!files.junit.empty()) {
    core::require_writable(files.junit, "--junit");
  }
  if (!files.sarif.empty()) {
    core::require_writable(files.sarif, "--sarif");
  }
  std::string run_id;
  checks::Context context = core::make_context(workspace, config, revision, run_id);
  if (extras.snapshot_of) {
    context.limits = core::limits_in_force(config, context.limits, *extras.repo, *extras.snapshot_of);
  }
  const core::Judging judging =
      core::begin_judging(context, checks, extras.repo, extras.snapshot_of, extras.head_start);
  context.snapshot = extras.snapshot;
  context.shard_index = extras.shard_index;
  context.shard_count = extras.shard_count;
  if (!globals.json) {
    for (const auto& line : extras.floor) {
      std::printf("%s\n", line.c_str());
    }
  }
  core::RunReport report = run_with_reporter(checks, context, run, globals);
  report.run_id = run_id;
  const std::vector<std::string> changed = end_judging(judging, context);
  nlohmann::json after = nullptr;
  if (extras.after_run && changed.empty() && !core::interrupted().load()) {
    after = extras.after_run(report, context);
  }
  if (!files.junit.empty()) {
    core::write_file_atomically(files.junit, core::to_junit(report));
  }
  if (!files.sarif.empty()) {
    core::write_file_atomically(files.sarif, core::to_sarif(report, core::k_config_file).dump(2));
  }
  if (globals.json) {
    nlohmann::json document = core::to_json(report);
    if (extras.snapshot) {
      document["floor"] = extras.floor;
    }
    document["judge_changed"] = changed;
    if (!after.is_null()) {
      document["attestations"] = after;
    }
    print_json(document);
  }
  if (core::interrupted().load()) {
    return 128 + SIGINT;
  }
  return changed.empty() ? report.exit_code() : exit_code::k_failed;
}

std::vector<std::string> end_judging(const core::Judging& judging, const checks::Context& context)
{
  std::vector<std::string> changed = core::judge_changes(judging, context);
  for (const auto& line : changed) {
    std::fprintf(stderr, "tollgate: the repository changed while the checks ran: %s\n", line.c_str());
  }
  return changed;
}

} // namespace tollgate::cli
