// `tollgate check`: the ordered checklist, read-only, on the work tree.

#include "cli/common.hpp"
#include "core/report.hpp"
#include "core/runner.hpp"
#include "core/workspace.hpp"
#include "util/fatal.hpp"

#include <csignal>
#include <cstdio>

namespace tollgate::cli {

namespace {

struct CheckOptions {
  core::RunOptions run;
  std::string junit;
};

extern "C" void on_interrupt(int /*signal*/)
{
  core::interrupted().store(true);
}

int run_check(const CheckOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace();
  const core::Config config = core::load_workspace_config(workspace);
  auto checks = core::build_checklist(config);
  if (checks.empty()) {
    usage_error(workspace.config_path.filename().string() + " lists no checks under `checks:`");
  }
  core::validate_selection(checks, options.run);
  return run_and_report(checks, workspace, config, "HEAD", options.run, options.junit, globals);
}

} // namespace

core::Context make_context(const core::Workspace& workspace, const core::Config& config, const std::string& revision,
                           std::string& run_id)
{
  core::Context context;
  context.root = workspace.root;
  context.git_dir = workspace.git_dir;
  context.config = &config;
  context.limits = core::effective_limits(config.sandbox);
  context.revision = revision;
  context.log_dir = core::create_run_dir(workspace, run_id);
  return context;
}

core::RunReport run_with_reporter(std::vector<std::unique_ptr<core::Check>>& checks, const core::Context& context,
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
  text.live = util::color_allowed(STDOUT_FILENO, globals.no_color);
  text.style.color = text.live;
  text.annotations = annotations;
  core::TextReporter reporter(stdout, text);
  return core::run_checklist(checks, context, run, reporter);
}

int run_and_report(std::vector<std::unique_ptr<core::Check>>& checks, const core::Workspace& workspace,
                   const core::Config& config, const std::string& revision, const core::RunOptions& run,
                   const std::string& junit, const Globals& globals, const RunExtras& extras)
{
  std::string run_id;
  core::Context context = make_context(workspace, config, revision, run_id);
  context.snapshot = extras.snapshot;
  if (!globals.json) {
    for (const auto& line : extras.floor) {
      std::printf("%s\n", line.c_str());
    }
  }
  core::RunReport report = run_with_reporter(checks, context, run, globals);
  report.run_id = run_id;
  if (!junit.empty()) {
    core::write_file_atomically(junit, core::to_junit(report));
  }
  if (globals.json) {
    nlohmann::json document = core::to_json(report);
    if (extras.snapshot) {
      document["floor"] = extras.floor;
    }
    print_json(document);
  }
  if (core::interrupted().load()) {
    return 128 + SIGINT;
  }
  return report.exit_code();
}

std::function<int()> setup_check(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<CheckOptions>();
  app.add_flag("--keep-going,-k", options->run.keep_going, "Run every check even after one fails");
  app.add_option("--only", options->run.only, "Run only the check with this id (repeatable)")->type_name("ID");
  app.add_option("--skip", options->run.skip, "Skip the check with this id (repeatable)")->type_name("ID");
  app.add_option("--jobs,-j", options->run.jobs, "Run up to N independent read-only checks at once")
      ->type_name("N")
      ->check(CLI::Range(1u, 256u));
  app.add_option("--junit", options->junit, "Also write a JUnit XML report to FILE")->type_name("FILE");
  return [options, &globals] { return run_check(*options, globals); };
}

} // namespace tollgate::cli
