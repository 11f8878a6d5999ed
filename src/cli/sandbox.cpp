// `tollgate sandbox -- CMD ...`: runs one command the way checks run theirs and exits with its exit
// code (128+signal when killed), so a runtime executing generated code can use it directly.
// Limits come from tollgate.yaml when run inside a configured repository, then SANDBOX_* from the
// environment, then these flags. Exit 125 when the sandbox itself fails, 127 when CMD is not found.

#include "cli/common.hpp"
#include "core/checklist/workspace.hpp"
#include "git/repository.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <optional>

namespace tollgate::cli {

namespace {

constexpr int k_sandbox_failed = 125;
constexpr int k_not_found = 127;

struct SandboxOptions {
  std::optional<unsigned> cpu_sec;
  std::optional<unsigned> mem_mb;
  std::optional<double> timeout;
  std::string network;
  std::string backend;
  std::vector<std::string> command;
};

std::atomic<bool> g_cancel{false};
extern "C" void on_signal(int /*signal*/)
{
  g_cancel.store(true);
}

core::SandboxConfig configured_sandbox()
{
  auto location = git::locate(std::filesystem::current_path());
  if (!location) {
    return {};
  }
  const auto path = location->work_dir / core::k_config_file;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return {};
  }
  auto config = core::load_config(path);
  if (!config) {
    usage_error(config.error().message);
  }
  return config->sandbox;
}

int run_sandbox(const SandboxOptions& options, const Globals& globals)
{
  if (options.command.empty()) {
    usage_error("nothing to run: tollgate sandbox [options] -- CMD [ARGS...]");
  }
  proc::Limits limits = core::effective_limits(configured_sandbox());
  if (options.cpu_sec) {
    limits.cpu_sec = *options.cpu_sec;
  }
  if (options.mem_mb) {
    limits.mem_mb = *options.mem_mb;
  }
  if (options.timeout) {
    limits.timeout = std::chrono::milliseconds(static_cast<long long>(*options.timeout * 1000.0));
  }
  if (!options.network.empty()) {
    limits.network = options.network == "allow" ? proc::Network::allow : proc::Network::none;
  }
  if (!options.backend.empty()) {
    limits.backend = *proc::parse_backend(options.backend);
  }

  proc::Command command;
  command.argv = options.command;
  command.stdin_null = false;
  // Confined, the command may write the current directory and nothing else of the system.
  command.cwd = std::filesystem::current_path().string();
  command.writable = {command.cwd};
  command.stdout_to_stderr = globals.json;

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  auto outcome = proc::run(command, limits, &g_cancel);
  if (!outcome) {
    const bool not_found = outcome.error().message.find("command not found") != std::string::npos;
    if (globals.json) {
      print_json(nlohmann::json{{"error", outcome.error().message}});
    }
    std::fprintf(stderr, "tollgate: error: %s\n", outcome.error().message.c_str());
    return not_found ? k_not_found : k_sandbox_failed;
  }
  if (globals.json) {
    print_json(nlohmann::json{{"exit_code", outcome->exit_code},
                              {"ended", outcome->describe()},
                              {"seconds", outcome->seconds},
                              {"cpu_seconds", outcome->cpu_seconds},
                              {"max_rss_kb", outcome->max_rss_kb},
                              {"backend", proc::to_string(outcome->backend)}});
  } else if (outcome->ended != proc::Ended::exited) {
    std::fprintf(stderr, "tollgate: %s\n", outcome->describe().c_str());
  }
  return outcome->exit_code;
}

} // namespace

std::function<int()> setup_sandbox(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<SandboxOptions>();
  app.add_option("--cpu-sec", options->cpu_sec, "CPU seconds per process (RLIMIT_CPU)")->check(CLI::PositiveNumber);
  app.add_option("--mem-mb", options->mem_mb, "Memory limit per process in MiB")->check(CLI::PositiveNumber);
  app.add_option("--timeout", options->timeout, "Wall-clock limit in seconds for the whole process tree")
      ->check(CLI::PositiveNumber);
  app.add_option("--network", options->network, "none (default) or allow")->check(CLI::IsMember({"none", "allow"}));
  app.add_option("--backend", options->backend, "Network isolation: auto, firejail, bwrap or unshare")
      ->check(CLI::IsMember({"auto", "namespaces", "bwrap", "firejail", "unshare"}));
  // Everything after `--` (or after the first non-option) is the command, untouched.
  app.prefix_command();
  app.allow_extras();
  return [options, &globals, &app] {
    // CLI11 hands the words after `--` to the parent app (fallthrough); either place holds them.
    options->command = app.remaining();
    const auto from_parent = app.get_parent()->remaining();
    options->command.insert(options->command.end(), from_parent.begin(), from_parent.end());
    if (!options->command.empty() && options->command.front() == "--") {
      options->command.erase(options->command.begin());
    }
    return run_sandbox(*options, globals);
  };
}

} // namespace tollgate::cli
