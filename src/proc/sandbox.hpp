#pragma once
// Runs one command under the sandbox of DESIGN.md §7: its own process group under a per-command
// supervisor that is a child subreaper, RLIMIT_CPU, a memory limit, a wall-clock timeout that
// kills the whole tree (SIGTERM, then SIGKILL after a grace period), and optional network isolation
// (firejail --net=none, else bubblewrap --unshare-net, else unshare(CLONE_NEWNET)).
// Knows nothing of tollgate's checks or configuration.

#include "util/expected.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tollgate::proc {

enum class Network { allow, none };
enum class Backend { automatic, firejail, bwrap, unshare, none };

std::string_view to_string(Backend backend);
std::optional<Backend> parse_backend(std::string_view name); // "auto" | "firejail" | "bwrap" | "unshare"

struct Limits {
  std::optional<unsigned> cpu_sec;            // RLIMIT_CPU per process of the tree
  std::optional<unsigned> mem_mb;             // address-space limit per process of the tree
  std::chrono::milliseconds timeout{0};       // wall clock for the whole tree; 0 = none
  std::chrono::milliseconds kill_grace{2000}; // SIGTERM -> SIGKILL delay
  Network network = Network::allow;
  Backend backend = Backend::automatic; // used only when network == none
  bool confine = true;                  // false: run unconfined (`sandbox.confine: false` at the trust root)
  std::vector<std::string> passenv;     // environment names passed beyond the allowlist
  unsigned max_procs = 512;             // process-count limit of the tree
};

struct Command {
  std::vector<std::string> argv;                            // argv[0] is looked up on PATH
  std::string cwd;                                          // empty: inherit
  std::vector<std::pair<std::string, std::string>> env_set; // added to / overriding the environment
  // Where stdout and stderr go: a file path (created/truncated, both streams interleaved), or
  // empty to inherit the caller's stdout/stderr. `stdout_to_stderr` sends the child's stdout to our stderr.
  std::string output_path;
  bool stdout_to_stderr = false;
  bool stdin_null = true;
};

enum class Ended { exited, signaled, cpu_limit, memory_limit, timeout, cancelled };

struct Outcome {
  Ended ended = Ended::exited;
  int exit_code = 0;      // exit status, or 128+signal when killed
  int signal = 0;         // terminating signal, when any
  double seconds = 0;     // wall clock
  double cpu_seconds = 0; // user+sys of the whole reaped tree
  long max_rss_kb = 0;
  Backend backend = Backend::none; // isolation actually used
  Limits limits;
  // "exit 1", "killed: CPU limit of 30 s", "killed: wall-clock timeout of 900 s",
  // "killed: memory limit 2048 MiB", "cancelled", plus " (firejail)" naming the backend.
  std::string describe() const;
};

// Which backend would isolate the network here, trying them in order (auto) or only the requested one;
// an error value says why none works. Results are cached for the process lifetime.
Result<Backend> resolve_backend(Backend requested);

// Runs `command` to completion under `limits`. An error value means it could not be started
// (no such program, isolation required but unavailable, fork failure), never that it failed.
// Setting `*cancel` to true (from another thread) ends the tree as for a timeout, with Ended::cancelled.
Result<Outcome> run(const Command& command, const Limits& limits, const std::atomic<bool>* cancel = nullptr);

// Looks `name` up on PATH (or returns it if it contains a slash and is executable).
std::optional<std::string> find_program(std::string_view name);

} // namespace tollgate::proc
