#include "proc/process_tree.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <initializer_list>

namespace tollgate::proc::detail {

namespace {

// How often the tree is rescanned while it is being killed: orphans reparented to the supervisor
// from deeper in the tree send no SIGCHLD.
constexpr std::int64_t k_rescan_ns = 10 * k_ns_per_ms;
// How long SIGKILL is retried before the supervisor gives up on a process that will not die
// (uninterruptible sleep); it then reports what it has rather than hang.
constexpr std::int64_t k_kill_patience_ns = 10 * k_ns_per_s;

// A few hundred pids remembered on the stack, so that SIGTERM goes to each process once.
class PidSet {
public:
  bool insert(pid_t pid) noexcept
  {
    for (std::size_t i = 0; i < m_size; ++i) {
      if (m_pids[i] == pid) {
        return false;
      }
    }
    if (m_size < k_capacity) {
      m_pids[m_size++] = pid;
    }
    return true;
  }

private:
  static constexpr std::size_t k_capacity = 512;
  pid_t m_pids[k_capacity] = {};
  std::size_t m_size = 0;
};

// Calls `visit(pid)` for each direct child of this (single-threaded) process, including orphans
// reparented to it as the subreaper.
template <class Visit> void for_each_child(Visit visit) noexcept
{
  const int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return;
  }
  char buffer[512];
  pid_t pid = 0;
  bool in_number = false;
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      const char c = buffer[i];
      if (c >= '0' && c <= '9') {
        pid = pid * 10 + (c - '0');
        in_number = true;
      } else if (in_number) {
        visit(pid);
        pid = 0;
        in_number = false;
      }
    }
  }
  if (in_number) {
    visit(pid);
  }
  close(fd);
}

// Waits up to `ns` for a SIGCHLD; other signals stay pending.
void wait_for_child(std::int64_t ns) noexcept
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  const timespec timeout = to_timespec(ns > 0 ? ns : 0);
  sigtimedwait(&set, nullptr, &timeout);
}

} // namespace

void kill_tree(Tree& tree, std::int64_t grace_ns) noexcept
{
  if (!tree.reap()) {
    return; // the usual case: nothing was left behind
  }
  PidSet terminated;
  tree.signal_group(SIGTERM);
  tree.signal_group(SIGCONT);
  const std::int64_t term_deadline = now_ns() + grace_ns;
  for (;;) {
    if (!tree.reap()) {
      return;
    }
    for_each_child([&](pid_t pid) {
      if (terminated.insert(pid)) {
        kill(pid, SIGTERM);
        kill(pid, SIGCONT);
      }
    });
    const std::int64_t left = term_deadline - now_ns();
    if (left <= 0) {
      break;
    }
    wait_for_child(left < k_rescan_ns ? left : k_rescan_ns);
  }
  const std::int64_t kill_deadline = now_ns() + k_kill_patience_ns;
  for (;;) {
    if (!tree.reap()) {
      return;
    }
    tree.signal_group(SIGKILL);
    for_each_child([](pid_t pid) { kill(pid, SIGKILL); });
    if (now_ns() >= kill_deadline) {
      return;
    }
    wait_for_child(k_rescan_ns);
  }
}

Finish wait_for_main(Tree& tree, std::int64_t deadline_ns) noexcept
{
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT}) {
    sigaddset(&set, sig);
  }
  for (;;) {
    if (!tree.reap() || tree.main_done) {
      return Finish::exited;
    }
    timespec timeout{};
    const timespec* timeout_ptr = nullptr;
    if (deadline_ns != 0) {
      const std::int64_t left = deadline_ns - now_ns();
      if (left <= 0) {
        return Finish::timeout;
      }
      timeout = to_timespec(left);
      timeout_ptr = &timeout;
    }
    const int sig = sigtimedwait(&set, nullptr, timeout_ptr);
    if (sig < 0 || sig == SIGCHLD) {
      continue; // EAGAIN (deadline: checked above), EINTR, or a child ended
    }
    return Finish::cancelled;
  }
}

} // namespace tollgate::proc::detail
