// `pytest`: the test suite, summarised from pytest's closing line ("210 passed, 2 skipped in 3.1s").
// The interpreter is found as a user's shell would: `pytest` on PATH, else `python3 -m pytest`;
// `python: PATH` forces `PATH -m pytest`. Exit 5 (no tests collected) fails unless `allow_no_tests`.
// Neither found, or a Python without the pytest module, is an environment error (exit 3).

#include "checks/command_support.hpp"
#include "checks/output_parsers.hpp"
#include "checks/registry.hpp"

#include <fmt/format.h>

namespace tollgate::checks {

namespace {

constexpr int k_no_tests_collected = 5;
constexpr std::string_view k_install = "apt install python3-pytest, or pip install pytest";

class PytestCheck final : public core::Check {
public:
  PytestCheck(core::CheckSpec spec, std::string python, std::vector<std::string> args, bool allow_no_tests)
      : Check(std::move(spec)), m_python(std::move(python)), m_args(std::move(args)), m_allow_no_tests(allow_no_tests)
  {
  }

  core::CheckResult run(const core::Context& context) override
  {
    const auto argv = command_line();
    auto run = run_sandboxed(context, m_spec, argv, {{"PY_COLORS", "0"}});
    if (!run) {
      if (proc::program_not_found(run.error())) {
        return missing_tool(context, m_spec, "pytest", run.error().message, k_install);
      }
      return start_error(context, m_spec, run.error());
    }
    if (run->outcome.ended == proc::Ended::exited && run->outcome.exit_code == 1 && argv.size() > 2 &&
        argv[1] == "-m" && run->output.find("No module named pytest") != std::string::npos) {
      return missing_tool(context, m_spec, "pytest", fmt::format("`{} -m pytest`: No module named pytest", argv[0]),
                          k_install);
    }
    core::CheckResult result = result_of(context, m_spec, *run);
    result.details["command"] = argv;
    const auto summary = parse_pytest_output(run->output);
    if (summary) {
      for (const auto& [key, count] : summary->counts) {
        result.details[key] = count;
      }
      result.details["passed"] = summary->count("passed");
      result.details["failed"] = summary->count("failed");
      if (summary->seconds) {
        result.details["pytest_seconds"] = *summary->seconds;
      }
    }
    const auto& outcome = run->outcome;
    if (outcome.ended == proc::Ended::exited && outcome.exit_code == k_no_tests_collected) {
      result.status = m_allow_no_tests ? core::Status::pass : core::Status::fail;
      result.summary = m_allow_no_tests ? "no tests collected (allowed)" : "no tests collected (exit 5)";
      return result;
    }
    if (outcome.ended != proc::Ended::exited) {
      result.summary = outcome.describe();
      if (summary) {
        result.summary += " after " + summary->line;
      }
      return result;
    }
    if (summary) {
      result.summary = summary->line;
      if (result.status != core::Status::pass && summary->count("failed") == 0 && summary->count("error") == 0) {
        result.summary += "; " + outcome.describe();
      }
    } else if (result.status != core::Status::pass) {
      const std::string last = last_line(run->output);
      result.summary += last.empty() ? "" : ": " + last;
    }
    return result;
  }

private:
  std::vector<std::string> command_line() const
  {
    std::vector<std::string> argv;
    if (!m_python.empty()) {
      argv = {m_python, "-m", "pytest"};
    } else if (proc::find_program("pytest")) {
      argv = {"pytest"};
    } else {
      argv = {"python3", "-m", "pytest"};
    }
    argv.insert(argv.end(), m_args.begin(), m_args.end());
    return argv;
  }

  std::string m_python;
  std::vector<std::string> m_args;
  bool m_allow_no_tests;
};

} // namespace

std::unique_ptr<core::Check> make_pytest(const core::CheckSpec& spec, const std::string& file)
{
  auto options = options_of(spec, file);
  std::string python = options.string("python").value_or("");
  auto args = options.strings("args").value_or(std::vector<std::string>{"-q"});
  const bool allow_no_tests = options.boolean("allow_no_tests").value_or(false);
  options.finish();
  return std::make_unique<PytestCheck>(spec, std::move(python), std::move(args), allow_no_tests);
}

} // namespace tollgate::checks
