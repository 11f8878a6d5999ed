#pragma once
// What every command-running check shares: run argv in the sandbox with the check's timeout,
// capture its output to `<log_dir>/<id>.log`, and read that output back for parsing.

#include "checks/check.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::checks {

struct CommandRun {
  proc::Outcome outcome;
  std::string output; // what the command printed (stdout and stderr interleaved)
};

// Runs `argv` for `check` under the context's sandbox; on failure to start, the error says why.
Result<CommandRun> run_sandboxed(const checks::Context& context, const core::CheckSpec& spec,
                                 const std::vector<std::string>& argv,
                                 std::vector<std::pair<std::string, std::string>> env = {});

// The result for a command that could not start: status error, summary = the reason.
checks::CheckResult start_error(const checks::Context& context, const core::CheckSpec& spec, const Error& error);

// The result for a check whose `tool` is not installed (`why`: how that showed): status error, so
// that the run exits 3 (an environment error, never "tests failed"); the summary says how to
// install it.
checks::CheckResult missing_tool(const checks::Context& context, const core::CheckSpec& spec, std::string_view tool,
                                 std::string_view why, std::string_view install);

// Fills the common fields (log, outcome, seconds, sandbox details) of a result for `run`.
checks::CheckResult result_of(const checks::Context& context, const core::CheckSpec& spec, const CommandRun& run);

// The last non-empty line of `output`, shortened to `width` characters.
std::string last_line(const std::string& output, std::size_t width = 120);

std::filesystem::path log_path(const checks::Context& context, const core::CheckSpec& spec);

// A check that could not judge (`Status::error`), with `message` as its summary.
checks::CheckResult error_result(std::string message);

// Writes `text` to a new file at `path` (O_EXCL, O_NOFOLLOW): false, writing nothing, when a file
// or a link is already there.
bool write_new_log(const std::filesystem::path& path, std::string_view text);

} // namespace tollgate::checks
