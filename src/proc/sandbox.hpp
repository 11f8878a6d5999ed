#pragma once
// Runs one command under the sandbox of DESIGN.md §7: a per-command supervisor that is a child
// subreaper, RLIMIT_CPU, a memory limit, a process-count limit, a wall-clock timeout that kills the
// whole tree (SIGTERM, then SIGKILL after a grace period), and, when `Limits::confine` is on,
// confinement: user, mount, PID, IPC, UTS and (with `network: none`) network namespaces, the system
// read-only, only the command's writable directories writable, fresh tmpfs /tmp and HOME, secrets
// hidden, the environment from an allowlist, no new privileges, an unprivileged uid without
// capabilities and a seccomp filter (confine.hpp). Backends: namespaces (in-process, no helper
// binary), bubblewrap, firejail. Knows nothing of tollgate's checks or configuration.

#include "util/expected.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tollgate::proc {

enum class Network { allow, none };
enum class Backend { automatic, namespaces, bwrap, firejail, none };

std::string_view to_string(Backend backend);
// "auto" | "namespaces" | "bwrap" | "firejail"; "unshare" is the old name of "namespaces".
std::optional<Backend> parse_backend(std::string_view name);

struct Limits {
  std::optional<unsigned> cpu_sec;            // RLIMIT_CPU per process of the tree
  std::optional<unsigned> mem_mb;             // address-space limit per process of the tree
  std::chrono::milliseconds timeout{0};       // wall clock for the whole tree; 0 = none
  std::chrono::milliseconds kill_grace{2000}; // SIGTERM -> SIGKILL delay
  Network network = Network::allow;
  Backend backend = Backend::automatic; // with `confine`, or for `network: none` alone
  bool confine = true;                  // the namespaces, mounts, uid, capabilities and seccomp of §7
  std::vector<std::string> passenv;     // environment names a confined command sees beyond the allowlist
  unsigned max_procs = 512;             // RLIMIT_NPROC of a confined command; 0 = none
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
  // Confined only: directories bound read-write at their own path (the first is the command's
  // identity: when tollgate runs as root, the command runs as that directory's owner), directories
  // bound read-only at their own path even inside a hidden one, and paths hidden behind an empty
  // tmpfs (directories) or /dev/null (files), beyond the ones always hidden (HOME, GNUPGHOME,
  // XDG_RUNTIME_DIR, the agent sockets, /root, /home, /run, /tmp, /var/tmp, /dev/shm).
  std::vector<std::string> writable;
  std::vector<std::string> read_only;
  std::vector<std::string> hidden;
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
  bool confined = false;           // ran under the confinement of §7
  Limits limits;
  // "exit 1", "killed: CPU limit of 30 s", "killed: wall-clock timeout of 900 s",
  // "killed: memory limit 2048 MiB", "cancelled", plus " (firejail)" naming the backend.
  std::string describe() const;
};

// Which backend would confine (or, with `confine` false, only isolate the network) here, trying them
// in order (auto: namespaces, bwrap, firejail) or only the requested one; an error value names the
// layer that is missing. Results are cached for the process lifetime.
Result<Backend> resolve_backend(Backend requested, bool confine = true);

// The uid and gid a confined command runs as outside its namespace when tollgate is root and the
// command writes a directory tollgate made for it (a snapshot): the unprivileged `nobody`.
inline constexpr unsigned k_sandbox_uid = 65534;
inline constexpr unsigned k_sandbox_gid = 65534;

// Whether a command confined by `backend` runs as `k_sandbox_uid` when tollgate is root: every
// backend but firejail, which refuses users it is not configured for and keeps tollgate's own.
constexpr bool runs_as_sandbox_uid(Backend backend)
{
  return backend != Backend::firejail;
}

// Runs `command` to completion under `limits`. An error value means it could not be started
// (no such program, isolation required but unavailable, fork failure), never that it failed.
// Setting `*cancel` to true (from another thread) ends the tree as for a timeout, with Ended::cancelled.
Result<Outcome> run(const Command& command, const Limits& limits, const std::atomic<bool>* cancel = nullptr);

// Whether `error`, from `run`, says that the program is not installed (or, confined, not visible).
bool program_not_found(const Error& error);

// Looks `name` up on PATH (or returns it if it contains a slash and is executable).
std::optional<std::string> find_program(std::string_view name);

} // namespace tollgate::proc
