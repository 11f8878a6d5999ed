#include "core/workspace.hpp"

#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::core {

namespace fs = std::filesystem;

Workspace find_workspace()
{
  auto location = git::locate(fs::current_path());
  if (!location) {
    environment_error(location.error().message);
  }
  Workspace workspace;
  workspace.root = location->work_dir;
  workspace.git_dir = location->git_dir;
  workspace.config_path = workspace.root / k_config_file;
  return workspace;
}

Config load_workspace_config(const Workspace& workspace)
{
  std::error_code ec;
  if (!fs::exists(workspace.config_path, ec)) {
    usage_error(fmt::format("no {} in {} (run `tollgate init` to write one)", k_config_file, workspace.root.string()));
  }
  auto config = load_config(workspace.config_path);
  if (!config) {
    usage_error(config.error().message);
  }
  return std::move(*config);
}

namespace {

std::optional<unsigned> env_limit(const char* name)
{
  const char* raw = std::getenv(name);
  if (raw == nullptr || raw[0] == '\0') {
    return std::nullopt;
  }
  const std::string_view text(raw);
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) {
    usage_error(fmt::format("{}={} in the environment is not a positive integer", name, text));
  }
  return value;
}

unsigned combine(unsigned configured, bool set_in_file, std::optional<unsigned> from_env)
{
  if (!from_env) {
    return configured;
  }
  return set_in_file ? std::min(configured, *from_env) : *from_env;
}

} // namespace

proc::Limits effective_limits(const SandboxConfig& sandbox)
{
  proc::Limits limits;
  limits.cpu_sec = combine(sandbox.cpu_sec, sandbox.cpu_sec_set, env_limit("SANDBOX_CPU_SEC"));
  limits.mem_mb = combine(sandbox.mem_mb, sandbox.mem_mb_set, env_limit("SANDBOX_MEM_MB"));
  limits.timeout = std::chrono::milliseconds(static_cast<long long>(sandbox.timeout * 1000.0));
  limits.network = sandbox.network;
  limits.backend = sandbox.backend;
  limits.confine = sandbox.confine;
  limits.passenv = sandbox.passenv;
  limits.max_procs = sandbox.max_procs;
  return limits;
}

namespace {

Result<void> real_directory(const fs::path& path)
{
  if (::mkdir(path.c_str(), 0755) == 0) {
    return {};
  }
  const int error = errno;
  struct stat info {};
  if (error != EEXIST || ::lstat(path.c_str(), &info) != 0) {
    return fail(fmt::format("cannot create {}: {}", path.string(), std::strerror(error)));
  }
  if (S_ISLNK(info.st_mode) || !S_ISDIR(info.st_mode)) {
    return fail(fmt::format("{} is a symbolic link or not a directory: tollgate does not follow it (delete it after "
                            "inspection)",
                            path.string()));
  }
  return {};
}

} // namespace

Result<fs::path> repository_state_dir(const fs::path& git_dir, std::string_view sub)
{
  fs::path dir = git_dir / "tollgate";
  if (auto made = real_directory(dir); !made) {
    return std::unexpected(made.error());
  }
  if (!sub.empty()) {
    dir /= sub;
    if (auto made = real_directory(dir); !made) {
      return std::unexpected(made.error());
    }
  }
  return dir;
}

fs::path create_run_dir(const Workspace& workspace, std::string& run_id, std::size_t keep)
{
  auto state = repository_state_dir(workspace.git_dir, "logs");
  if (!state) {
    environment_error(state.error().message);
  }
  const fs::path logs = *state;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  run_id = fmt::format("{}-{}", stamp, ::getpid());
  const fs::path dir = logs / run_id;
  if (::mkdir(dir.c_str(), 0700) != 0) {
    environment_error(fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno)));
  }
  std::error_code ec;
  // Prune old runs: names sort by time.
  std::vector<fs::path> runs;
  for (const auto& entry : fs::directory_iterator(logs, ec)) {
    if (entry.is_directory(ec)) {
      runs.push_back(entry.path());
    }
  }
  if (runs.size() > keep) {
    std::sort(runs.begin(), runs.end());
    for (std::size_t i = 0; i + keep < runs.size(); ++i) {
      if (runs[i] != dir) {
        fs::remove_all(runs[i], ec);
      }
    }
  }
  return dir;
}

} // namespace tollgate::core
