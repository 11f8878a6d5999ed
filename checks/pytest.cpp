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

class PytestCheck final : public checks::Check {
public:
  PytestCheck(core::CheckSpec spec, std::string python, std::vector<std::string> args, bool allow_no_tests)
      : Check(std::move(spec)), m_python(std::move(python)), m_args(std::move(args)), m_allow_no_tests(allow_no_tests)
  {
  }

  checks::CheckResult run(const checks::Context& context) override
  {
    auto argv = command_line();
    Slice slice;
    if (context.shard_count > 1) {
      auto sliced = select_shard(context, argv);
      if (!sliced) {
        return sliced.error();
      }
      slice = *sliced;
    }
    auto run = run_sandboxed(context, m_spec, argv, {{"PY_COLORS", "0"}});
    if (auto unusable = unusable_run(context, m_spec, argv, run)) {
      return *unusable;
    }
    checks::CheckResult result = result_of(context, m_spec, *run);
    if (context.shard_count > 1) {
      result.details["shard"] = fmt::format("{}/{}", context.shard_index, context.shard_count);
      result.details["shard_tests"] = slice.selected;
      result.details["collected"] = slice.collected;
      if (slice.selected == 0) {
        result.status = checks::Status::pass;
        result.summary = fmt::format("no test of the {} falls in shard {}/{}", slice.collected, context.shard_index,
                                     context.shard_count);
        return result;
      }
    }
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
      result.status = m_allow_no_tests ? checks::Status::pass : checks::Status::fail;
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
      if (result.status != checks::Status::pass && summary->count("failed") == 0 && summary->count("error") == 0) {
        result.summary += "; " + outcome.describe();
      }
    } else if (result.status != checks::Status::pass) {
      const std::string last = last_line(run->output);
      result.summary += last.empty() ? "" : ": " + last;
    }
    return result;
  }

private:
  struct Slice {
    std::size_t selected = 0;
    std::size_t collected = 0;
  };

  // The result when pytest could not run at all (not installed, no pytest module, did not start).
  static std::optional<checks::CheckResult> unusable_run(const checks::Context& context, const core::CheckSpec& spec,
                                                         const std::vector<std::string>& argv,
                                                         const Result<CommandRun>& run)
  {
    if (!run) {
      if (proc::program_not_found(run.error())) {
        return missing_tool(context, spec, "pytest", run.error().message, k_install);
      }
      return start_error(context, spec, run.error());
    }
    if (run->outcome.ended == proc::Ended::exited && run->outcome.exit_code == 1 && argv.size() > 2 &&
        argv[1] == "-m" && run->output.find("No module named pytest") != std::string::npos) {
      return missing_tool(context, spec, "pytest", fmt::format("`{} -m pytest`: No module named pytest", argv[0]),
                          k_install);
    }
    return std::nullopt;
  }

  // Collects the node ids (confined, logged as <id>.collect.log) and deselects the tests outside
  // the context's shard; the result, when collecting failed.
  std::expected<Slice, checks::CheckResult> select_shard(const checks::Context& context,
                                                         std::vector<std::string>& argv) const
  {
    core::CheckSpec collect = m_spec;
    collect.id += ".collect";
    std::vector<std::string> listing;
    for (const auto& arg : argv) {
      if (arg != "-q" && arg != "-qq" && arg != "--quiet") {
        listing.push_back(arg);
      }
    }
    listing.insert(listing.end(), {"--collect-only", "-q"});
    auto run = run_sandboxed(context, collect, listing, {{"PY_COLORS", "0"}});
    if (auto unusable = unusable_run(context, collect, listing, run)) {
      return std::unexpected(*unusable);
    }
    const auto& outcome = run->outcome;
    const bool none = outcome.ended == proc::Ended::exited && outcome.exit_code == k_no_tests_collected;
    if (!none && (outcome.ended != proc::Ended::exited || outcome.exit_code != 0)) {
      checks::CheckResult failed = result_of(context, collect, *run);
      failed.summary = "collecting the tests for the shard failed: " + last_line(run->output);
      return std::unexpected(failed);
    }
    Slice slice;
    for (const auto& id : parse_pytest_collection(run->output)) {
      ++slice.collected;
      if (shard_of(id, context.shard_count) + 1 == context.shard_index) {
        ++slice.selected;
      } else {
        argv.insert(argv.end(), {"--deselect", id});
      }
    }
    return slice;
  }

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

std::unique_ptr<checks::Check> make_pytest(const core::CheckSpec& spec, const std::string& file)
{
  auto options = core::check_options(spec, file);
  std::string python = options.string("python").value_or("");
  auto args = options.strings("args").value_or(std::vector<std::string>{"-q"});
  const bool allow_no_tests = options.boolean("allow_no_tests").value_or(false);
  options.finish();
  return std::make_unique<PytestCheck>(spec, std::move(python), std::move(args), allow_no_tests);
}

} // namespace tollgate::checks
