#pragma once
// The part of the sandbox that runs after fork(): the per-command supervisor and the command child.
// Everything here is prepared by `run()` before forking, because the caller is multithreaded and
// the forked processes may only use async-signal-safe system calls (no allocation, no locks).

#include "proc/confine.hpp"

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>

namespace tollgate::proc::detail {

// Where starting the command failed, reported instead of an exit status.
enum class Stage : int { started = 0, unshare, rlimit, redirect, chdir, exec, fork, namespaces, confine };

// How the supervisor ended its wait for the command.
enum class Finish : int { exited, timeout, cancelled };

// Everything the supervisor and the command child need, all of it owned by the caller of
// `supervise()` and only read after fork.
struct Plan {
  const char* exec_path = nullptr; // what execve() runs (the wrapper for firejail / bwrap)
  char* const* argv = nullptr;     // null-terminated
  char* const* envp = nullptr;     // null-terminated
  const char* cwd = nullptr;       // null: inherit
  int output_fd = -1;              // -1: inherit stdout and stderr
  int stdin_fd = -1;               // -1: inherit stdin
  bool stdout_to_stderr = false;
  bool take_terminal = false; // stdin is our controlling terminal and we are its foreground
  bool set_cpu = false;
  rlimit cpu{};
  bool set_mem = false;
  rlimit mem{};
  bool unshare_net = false; // a new network namespace (namespaces backend)
  // Confinement: with `namespaces`, the command runs in new namespaces set up here (confine.hpp);
  // for a wrapper (bwrap, firejail), the child drops to the plan's identity before exec'ing it.
  const ConfinePlan* confine = nullptr;
  bool namespaces = false;
  int seccomp_fd = -1;           // bwrap's `--seccomp` program, moved to `k_seccomp_fd` in the child
  const char* uid_map = nullptr; // "uid uid 1", for the user-namespace fallback when not root
  const char* gid_map = nullptr;
  std::int64_t timeout_ns = 0; // 0: none
  std::int64_t kill_grace_ns = 0;
  pid_t parent_pid = 0; // the process that forked the supervisor
  int report_fd = -1;   // write end of the report pipe
};

// What the supervisor writes to `report_fd`, once, just before it exits (a POD, under PIPE_BUF).
// The descriptor bwrap reads its seccomp program from.
inline constexpr int k_seccomp_fd = 3;

struct Report {
  Stage stage = Stage::started;
  int error = 0;         // errno of the failed stage
  int confine_step = 0;  // ConfineStep, for Stage::confine
  int confine_path = -1; // index into the plan's path table, or -1
  Finish finish = Finish::exited;
  int main_status = 0;          // wait status of the command's main process
  std::int64_t start_ns = 0;    // CLOCK_MONOTONIC
  std::int64_t main_end_ns = 0; // when the main process ended (or the tree was killed)
  std::int64_t main_cpu_us = 0; // user+sys of the main process
  std::int64_t tree_cpu_us = 0; // user+sys of everything reaped below the supervisor
  long max_rss_kb = 0;          // largest resident set in the tree
};

// The body of the forked supervisor: starts the command, waits, kills the whole tree, reports
// through `plan.report_fd` and exits. Async-signal-safe; never returns.
[[noreturn]] void supervise(const Plan& plan) noexcept;

} // namespace tollgate::proc::detail
