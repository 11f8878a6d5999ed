// `pre-commit`: `pre-commit run --all-files` (args configurable); the summary counts the hooks
// that passed, failed and were skipped. Not concurrent: hooks may rewrite files other checks read.

#include "checks/command_support.hpp"
#include "checks/output_parsers.hpp"
#include "checks/registry.hpp"

#include <fmt/format.h>

namespace tollgate::checks {

namespace {

class PreCommitCheck final : public checks::Check {
public:
  PreCommitCheck(core::CheckSpec spec, std::vector<std::string> argv) : Check(std::move(spec)), m_argv(std::move(argv))
  {
  }

  bool concurrent() const override { return false; }

  checks::CheckResult run(const checks::Context& context) override
  {
    auto run = run_sandboxed(context, m_spec, m_argv, {{"PRE_COMMIT_COLOR", "never"}, {"SKIP", ""}});
    if (!run) {
      if (proc::program_not_found(run.error())) {
        return missing_tool(context, m_spec, m_argv.front(), run.error().message,
                            "apt install pre-commit, or pipx install pre-commit");
      }
      return start_error(context, m_spec, run.error());
    }
    checks::CheckResult result = result_of(context, m_spec, *run);
    const PreCommitSummary hooks = parse_pre_commit_output(run->output);
    result.details["passed"] = hooks.passed;
    result.details["failed"] = hooks.failed;
    result.details["skipped"] = hooks.skipped;
    result.details["failed_hooks"] = hooks.failed_hooks;
    const bool clean_exit = run->outcome.ended == proc::Ended::exited;
    if (hooks.total() > 0 && clean_exit) {
      std::string summary = fmt::format("{} hooks: {} passed, {} failed, {} skipped", hooks.total(), hooks.passed,
                                        hooks.failed, hooks.skipped);
      if (!hooks.failed_hooks.empty()) {
        summary += fmt::format(" ({})", fmt::join(hooks.failed_hooks, ", "));
      }
      if (result.status == checks::Status::fail && hooks.failed == 0) {
        // Hooks passed but pre-commit still failed: a hook modified files, or pre-commit itself erred.
        summary += "; " + run->outcome.describe() + ": " + last_line(run->output);
      }
      result.summary = summary;
    } else if (result.status != checks::Status::pass) {
      const std::string last = last_line(run->output);
      result.summary += last.empty() ? "" : ": " + last;
    } else {
      result.summary = "no hooks ran";
    }
    return result;
  }

private:
  std::vector<std::string> m_argv;
};

} // namespace

std::unique_ptr<checks::Check> make_pre_commit(const core::CheckSpec& spec, const std::string& file)
{
  auto options = core::check_options(spec, file);
  std::vector<std::string> argv = {options.string("program").value_or("pre-commit")};
  const auto args = options.strings("args").value_or(std::vector<std::string>{"run", "--all-files"});
  argv.insert(argv.end(), args.begin(), args.end());
  options.finish();
  return std::make_unique<PreCommitCheck>(spec, std::move(argv));
}

} // namespace tollgate::checks
