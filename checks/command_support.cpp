#include "checks/command_support.hpp"

#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace tollgate::checks {

std::filesystem::path log_path(const checks::Context& context, const core::CheckSpec& spec)
{
  return context.log_dir / (spec.id + ".log");
}

namespace {

int open_new_log(const std::filesystem::path& path)
{
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
}

Result<void> create_log(const std::filesystem::path& path)
{
  const int fd = open_new_log(path);
  if (fd < 0) {
    return fail(fmt::format("cannot create the log {}: {}", path.string(), std::strerror(errno)));
  }
  ::close(fd);
  return {};
}

} // namespace

bool write_new_log(const std::filesystem::path& path, std::string_view text)
{
  const int fd = open_new_log(path);
  if (fd < 0) {
    return false;
  }
  bool ok = true;
  while (ok && !text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    ok = n > 0 || (n < 0 && errno == EINTR);
    text.remove_prefix(n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  ::close(fd);
  return ok;
}

Result<CommandRun> run_sandboxed(const checks::Context& context, const core::CheckSpec& spec,
                                 const std::vector<std::string>& argv,
                                 std::vector<std::pair<std::string, std::string>> env)
{
  // The log is tollgate's: created here, exclusively, so that a file or link planted at its name
  // is refused rather than written through (the sandbox then opens it without following links).
  if (auto created = create_log(log_path(context, spec)); !created) {
    return std::unexpected(created.error());
  }
  proc::Command command;
  command.argv = argv;
  command.cwd = context.root.string();
  command.env_set = std::move(env);
  // Confined, the command writes only the tree it judges; the repository it came from is read-only
  // (in place) or hidden (a snapshot), and so is everything else of the judge.
  // A read-only checkout stays read-only for the check: a read-only mount cannot be bound writable.
  struct statvfs tree {};
  const bool read_only_tree = ::statvfs(context.root.c_str(), &tree) == 0 && (tree.f_flag & ST_RDONLY) != 0;
  (read_only_tree ? command.read_only : command.writable).push_back(context.root.string());
  if (context.shared_paths.empty()) { // in place
    command.read_only.push_back(context.git_dir.string());
  } else { // a snapshot: only the objects are visible; the work tree (a bare repository has none) and .git hidden
    command.read_only.insert(command.read_only.end(), context.shared_paths.begin(), context.shared_paths.end());
    if (!context.source_root.empty()) {
      command.hidden.push_back(context.source_root.string());
    }
    command.hidden.push_back(context.git_dir.string());
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

checks::CheckResult start_error(const checks::Context& context, const core::CheckSpec& spec, const Error& error)
{
  checks::CheckResult result;
  result.status = checks::Status::error;
  result.summary = error.message;
  const auto log = log_path(context, spec);
  if (!write_new_log(log, error.message + "\n")) {
    // run_sandboxed created it (exclusively) before the command failed to start: add the reason.
    const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      const std::string line = error.message + "\n";
      [[maybe_unused]] const ssize_t written = ::write(fd, line.data(), line.size());
      ::close(fd);
    }
  }
  result.log = log;
  return result;
}

checks::CheckResult missing_tool(const checks::Context& context, const core::CheckSpec& spec, std::string_view tool,
                                 std::string_view why, std::string_view install)
{
  checks::CheckResult result = start_error(context, spec, Error{std::string(why)});
  result.summary = fmt::format("{} is not installed ({}): {}", tool, why, install);
  result.details["missing"] = tool;
  return result;
}

checks::CheckResult result_of(const checks::Context& context, const core::CheckSpec& spec, const CommandRun& run)
{
  checks::CheckResult result;
  result.log = log_path(context, spec);
  result.outcome = run.outcome;
  result.seconds = run.outcome.seconds;
  const bool ok = run.outcome.ended == proc::Ended::exited && run.outcome.exit_code == 0;
  result.status = ok ? checks::Status::pass : checks::Status::fail;
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

checks::CheckResult error_result(std::string message)
{
  checks::CheckResult result;
  result.status = checks::Status::error;
  result.summary = std::move(message);
  return result;
}

} // namespace tollgate::checks
