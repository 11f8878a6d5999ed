#include "core/checklist/workspace.hpp"

#include "git/objects.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::core {

namespace fs = std::filesystem;

Workspace find_workspace(WorkTree work_tree)
{
  auto location = git::locate(fs::current_path());
  if (!location) {
    environment_error(location.error().message);
  }
  Workspace workspace;
  workspace.root = location->work_dir;
  workspace.git_dir = location->git_dir;
  workspace.config_path = workspace.bare() ? fs::path(k_config_file) : workspace.root / k_config_file;
  if (work_tree == WorkTree::required) {
    require_work_tree(workspace, "this command",
                      "`verify`, `history`, `approvals`, `gate` and `check REV` work there; run the others in a clone");
  }
  return workspace;
}

void require_work_tree(const Workspace& workspace, std::string_view what, std::string_view instead)
{
  if (workspace.bare()) {
    environment_error(
        fmt::format("{} is a bare repository: {} needs a work tree ({})", workspace.git_dir.string(), what, instead));
  }
}

namespace {

// A bare repository's configuration: tollgate.yaml as committed at HEAD.
Config load_bare_config(const Workspace& workspace)
{
  auto repo = git::Repository::open(workspace.git_dir);
  if (!repo) {
    environment_error(repo.error().message);
  }
  auto head = git::resolve_commit(*repo, "HEAD");
  if (!head) {
    environment_error(
        fmt::format("{} is a bare repository without commits: {}", workspace.git_dir.string(), head.error().message));
  }
  auto text = git::read_file_at(*repo, *head, k_config_file);
  if (!text) {
    environment_error(text.error().message);
  }
  const std::string label = fmt::format("{} (at HEAD, {})", k_config_file, head->short_hex());
  if (!*text) {
    usage_error(fmt::format("no {} in HEAD ({}) of the bare repository {}", k_config_file, head->short_hex(),
                            workspace.git_dir.string()));
  }
  auto config = parse_config(**text, label);
  if (!config) {
    usage_error(config.error().message);
  }
  config->path = k_config_file;
  return std::move(*config);
}

} // namespace

Config load_workspace_config(const Workspace& workspace)
{
  if (workspace.bare()) {
    return load_bare_config(workspace);
  }
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

namespace {

// A read-only repository (a read-only mount, or one this user may not write): this run's logs go
// to a fresh private directory under $TMPDIR instead, and stderr says where.
std::optional<fs::path> scratch_logs(const fs::path& git_dir)
{
  if (::access(git_dir.c_str(), W_OK) == 0 || (errno != EROFS && errno != EACCES)) {
    return std::nullopt;
  }
  const std::string reason = std::strerror(errno);
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = fmt::format("{}/tollgate-logs-XXXXXX", tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp");
  if (::mkdtemp(pattern.data()) == nullptr) {
    environment_error(fmt::format("{} is not writable ({}) and neither is {}: nowhere to keep the checks' logs",
                                  git_dir.string(), reason, pattern));
  }
  std::fprintf(stderr, "tollgate: note: %s is not writable (%s): this run's logs go to %s\n", git_dir.c_str(),
               reason.c_str(), pattern.c_str());
  return fs::path(pattern);
}

} // namespace

fs::path create_run_dir(const Workspace& workspace, std::string& run_id, std::size_t keep)
{
  const std::optional<fs::path> scratch = scratch_logs(workspace.git_dir);
  auto state = scratch ? Result<fs::path>(*scratch) : repository_state_dir(workspace.git_dir, "logs");
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
