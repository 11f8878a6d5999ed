#pragma once
// The process tree a supervisor watches (supervisor.cpp): the command's main process, its process
// group and every orphan reparented to the supervisor as the subreaper; waiting for the main
// process, and killing the whole tree. Async-signal-safe, as everything the supervisor calls.

#include "proc/signal_safe.hpp"
#include "proc/supervisor.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdint>

namespace tollgate::proc::detail {

struct Tree {
  pid_t main = 0;
  bool main_done = false;
  int main_status = 0;
  rusage main_usage{};
  std::int64_t main_end_ns = 0;
  bool group_alive = true;

  // Reaps every child that has ended; false once there is no child left at all.
  bool reap() noexcept
  {
    for (;;) {
      int status = 0;
      rusage usage{};
      const pid_t pid = wait4(-1, &status, WNOHANG, &usage);
      if (pid > 0) {
        if (pid == main) {
          main_done = true;
          main_status = status;
          main_usage = usage;
          main_end_ns = now_ns();
        }
        continue;
      }
      if (pid == 0) {
        return true;
      }
      if (errno == EINTR) {
        continue;
      }
      return false; // ECHILD: the whole tree is gone
    }
  }

  // The command's process group; once empty it can never gain members again.
  void signal_group(int sig) noexcept
  {
    if (group_alive && kill(-main, sig) != 0 && errno == ESRCH) {
      group_alive = false;
    }
  }
};

// SIGTERM (and SIGCONT, for stopped processes) to the process group and to every child, new
// orphans included, for up to `grace_ns`; then SIGKILL until no child is left.
void kill_tree(Tree& tree, std::int64_t grace_ns) noexcept;

// Waits for the main process until the deadline or a cancelling signal.
Finish wait_for_main(Tree& tree, std::int64_t deadline_ns) noexcept;

} // namespace tollgate::proc::detail
