#include "checks/command_support.hpp"

#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>

namespace tollgate::checks {

std::filesystem::path log_path(const core::Context& context, const core::CheckSpec& spec)
{
  return context.log_dir / (spec.id + ".log");
}

Result<CommandRun> run_sandboxed(const core::Context& context, const core::CheckSpec& spec,
                                 const std::vector<std::string>& argv,
                                 std::vector<std::pair<std::string, std::string>> env)
{
  proc::Command command;
  command.argv = argv;
  command.cwd = context.root.string();
  command.env_set = std::move(env);
  // Confined, the command writes only the tree it judges; the repository it came from is read-only
  // (in place) or hidden (a snapshot), and so is everything else of the judge.
  command.writable = {context.root.string()};
  if (context.source_root.empty()) {
    command.read_only = {context.git_dir.string()};
  } else {
    command.read_only = context.shared_paths;
    command.hidden = {context.source_root.string(), context.git_dir.string()};
  }
  command.output_path = log_path(context, spec).string();

  proc::Limits limits = context.limits;
  if (spec.timeout) {
    limits.timeout = std::chrono::milliseconds(static_cast<long long>(*spec.timeout * 1000.0));
  }
  auto outcome = proc::run(command, limits, context.cancel);
  if (!outcome) {
    return std::unexpected(outcome.error());
  }
  // The parsers look at result lines, which tools print at the end; a runaway log stays on disk.
  constexpr std::size_t k_max_parsed_bytes = 4 * 1024 * 1024;
  return CommandRun{*outcome, util::read_file_tail(command.output_path, k_max_parsed_bytes)};
}

core::CheckResult start_error(const core::Context& context, const core::CheckSpec& spec, const Error& error)
{
  core::CheckResult result;
  result.status = core::Status::error;
  result.summary = error.message;
  const auto log = log_path(context, spec);
  std::ofstream(log) << error.message << '\n';
  result.log = log;
  return result;
}

core::CheckResult result_of(const core::Context& context, const core::CheckSpec& spec, const CommandRun& run)
{
  core::CheckResult result;
  result.log = log_path(context, spec);
  result.outcome = run.outcome;
  result.seconds = run.outcome.seconds;
  const bool ok = run.outcome.ended == proc::Ended::exited && run.outcome.exit_code == 0;
  result.status = ok ? core::Status::pass : core::Status::fail;
  result.summary = run.outcome.describe();
  return result;
}

std::string last_line(const std::string& output, std::size_t width)
{
  const auto lines = util::split_lines(output);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const auto line = util::trim(*it);
    if (!line.empty()) {
      return util::shorten_utf8(line, width);
    }
  }
  return "";
}

} // namespace tollgate::checks
