// The per-command supervisor (see supervisor.hpp). It runs in a process forked from a multithreaded
// parent, so it only makes async-signal-safe system calls on memory prepared before the fork: no
// allocation, no stdio, no C++ library calls that might allocate or lock.
#include "proc/supervisor.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <initializer_list>

namespace tollgate::proc::detail {

namespace {

constexpr std::int64_t k_ns_per_s = 1'000'000'000;
constexpr std::int64_t k_ns_per_ms = 1'000'000;
// How often the tree is rescanned while it is being killed: orphans reparented to the supervisor
// from deeper in the tree send no SIGCHLD.
constexpr std::int64_t k_rescan_ns = 10 * k_ns_per_ms;
// How long SIGKILL is retried before the supervisor gives up on a process that will not die
// (uninterruptible sleep); it then reports what it has rather than hang.
constexpr std::int64_t k_kill_patience_ns = 10 * k_ns_per_s;
constexpr int k_child_failed = 127;

// What the command child reports through its close-on-exec error pipe when it cannot exec.
struct ChildError {
  Stage stage = Stage::started;
  int error = 0;
  int step = 0;  // ConfineStep, for Stage::confine
  int path = -1; // index into the confinement plan's path table
};

// What the first process of a confined command's namespaces reports when the command ends.
struct InitReport {
  int status = 0;
  std::int64_t cpu_us = 0;
};

std::int64_t now_ns() noexcept
{
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * k_ns_per_s + ts.tv_nsec;
}

timespec to_timespec(std::int64_t ns) noexcept
{
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / k_ns_per_s);
  ts.tv_nsec = static_cast<long>(ns % k_ns_per_s);
  return ts;
}

std::int64_t cpu_us(const rusage& usage) noexcept
{
  return (std::int64_t{usage.ru_utime.tv_sec} + std::int64_t{usage.ru_stime.tv_sec}) * 1'000'000 +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

void write_all(int fd, const void* data, std::size_t size) noexcept
{
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = write(fd, bytes, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
}

// Reads exactly `size` bytes unless EOF comes first; returns how many were read.
std::size_t read_all(int fd, void* data, std::size_t size) noexcept
{
  auto* bytes = static_cast<char*>(data);
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = read(fd, bytes + got, size - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  return got;
}

// Closes every descriptor inherited from the parent except 0-2 and the (up to four) in `keep`:
// other threads' report pipes must not stay open in this supervisor.
void close_other_fds(int a, int b, int c, int d) noexcept
{
  int keep[4] = {a, b, c, d};
  for (int i = 0; i < 4; ++i) {
    for (int j = i + 1; j < 4; ++j) {
      if (keep[j] < keep[i]) {
        const int tmp = keep[i];
        keep[i] = keep[j];
        keep[j] = tmp;
      }
    }
  }
  unsigned first = 3;
  for (const int fd : keep) {
    if (fd < static_cast<int>(first)) {
      continue;
    }
    if (static_cast<unsigned>(fd) > first) {
      close_range(first, static_cast<unsigned>(fd) - 1, 0);
    }
    first = static_cast<unsigned>(fd) + 1;
  }
  close_range(first, ~0U, 0);
}

// Makes `from` available as `to` across exec (dup2 leaves FD_CLOEXEC set when they are equal).
bool move_fd(int from, int to) noexcept
{
  if (from == to) {
    return fcntl(to, F_SETFD, 0) == 0;
  }
  return dup2(from, to) == to;
}

bool write_file(const char* path, const char* text) noexcept
{
  const int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  std::size_t length = 0;
  while (text[length] != '\0') {
    ++length;
  }
  const bool ok = write(fd, text, length) == static_cast<ssize_t>(length);
  close(fd);
  return ok;
}

// A new, empty network namespace: only a loopback interface, and that one down. Without
// CAP_SYS_ADMIN, falls back to a user namespace that maps the caller's own uid and gid.
bool isolate_network(const Plan& plan) noexcept
{
  if (unshare(CLONE_NEWNET) == 0) {
    return true;
  }
  if (errno != EPERM || plan.uid_map == nullptr || plan.gid_map == nullptr) {
    return false;
  }
  if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
    return false;
  }
  return write_file("/proc/self/setgroups", "deny") && write_file("/proc/self/uid_map", plan.uid_map) &&
         write_file("/proc/self/gid_map", plan.gid_map);
}

[[noreturn]] void child_fail(int error_fd, Stage stage, ConfineStep step = ConfineStep::none, int path = -1) noexcept
{
  const ChildError failure{stage, errno, static_cast<int>(step), path};
  write_all(error_fd, &failure, sizeof failure);
  _exit(k_child_failed);
}

// The command child: a fresh signal state, its own process group (in the foreground of the
// terminal when it reads from ours), limits, redirections, exec.
[[noreturn]] void run_command(const Plan& plan, int error_fd, pid_t parent) noexcept
{
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      sigaction(sig, &default_action, nullptr); // fails harmlessly for the libc-reserved signals
    }
  }
  if (plan.namespaces) {
    setsid(); // no controlling terminal: nothing to type into
  } else {
    setpgid(0, 0);
  }
  if (plan.take_terminal && !plan.namespaces) {
    tcsetpgrp(0, getpid()); // allowed from the background while SIGTTOU is still blocked
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) {
    _exit(k_child_failed);
  }
  if (plan.unshare_net && !plan.namespaces && !isolate_network(plan)) {
    child_fail(error_fd, Stage::unshare);
  }
  if (plan.set_cpu && setrlimit(RLIMIT_CPU, &plan.cpu) != 0) {
    child_fail(error_fd, Stage::rlimit);
  }
  if (plan.set_mem && setrlimit(RLIMIT_AS, &plan.mem) != 0) {
    child_fail(error_fd, Stage::rlimit);
  }
  if (plan.stdin_fd >= 0 && !move_fd(plan.stdin_fd, 0)) {
    child_fail(error_fd, Stage::redirect);
  }
  if (plan.output_fd >= 0 && (!move_fd(plan.output_fd, 1) || !move_fd(plan.output_fd, 2))) {
    child_fail(error_fd, Stage::redirect);
  }
  if (plan.stdout_to_stderr && !move_fd(2, 1)) {
    child_fail(error_fd, Stage::redirect);
  }
  if (plan.seccomp_fd >= 0 && !move_fd(plan.seccomp_fd, k_seccomp_fd)) {
    child_fail(error_fd, Stage::redirect);
  }
  if (plan.cwd != nullptr && chdir(plan.cwd) != 0) {
    child_fail(error_fd, Stage::chdir);
  }
  if (plan.confine != nullptr) {
    ConfineStep step = ConfineStep::none;
    if (plan.namespaces) {
      if (!restrict_self(*plan.confine, step)) {
        child_fail(error_fd, Stage::confine, step);
      }
    } else {
      if (plan.confine->max_procs > 0) {
        const rlimit procs{plan.confine->max_procs, plan.confine->max_procs};
        if (setrlimit(RLIMIT_NPROC, &procs) != 0) {
          child_fail(error_fd, Stage::confine, ConfineStep::nproc);
        }
      }
      if (!drop_identity(*plan.confine)) {
        child_fail(error_fd, Stage::confine, ConfineStep::identity);
      }
    }
  }
  execve(plan.exec_path, plan.argv, plan.envp);
  child_fail(error_fd, Stage::exec);
}

// "/proc/<pid>/<name>" into `buffer`.
void proc_path(char* buffer, std::size_t size, pid_t pid, const char* name) noexcept
{
  char digits[16];
  std::size_t n = 0;
  for (auto value = static_cast<unsigned>(pid); n == 0 || value != 0; value /= 10) {
    digits[n++] = static_cast<char>('0' + value % 10);
  }
  std::size_t at = 0;
  const auto append = [&](const char* text) {
    while (*text != '\0' && at + 1 < size) {
      buffer[at++] = *text++;
    }
  };
  append("/proc/");
  while (n > 0 && at + 1 < size) {
    buffer[at++] = digits[--n];
  }
  append("/");
  append(name);
  buffer[at] = '\0';
}

// The first process of a confined command's namespaces (pid 1 there): waits for its maps, sets up
// the mounts, starts the command, then reaps until the command ends and reports its status. When it
// exits, the kernel kills whatever is left in the namespace.
[[noreturn]] void run_init(const Plan& plan, int sync_fd, int error_fd, int status_fd) noexcept
{
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // A copy of tollgate's memory and environment: nobody in the namespace may read it.
  prctl(PR_SET_DUMPABLE, 0);
  char go = 0;
  if (read_all(sync_fd, &go, 1) != 1) {
    _exit(k_child_failed); // the supervisor could not write the maps, and said so itself
  }
  close(sync_fd);
  ConfineStep step = ConfineStep::none;
  int path = -1;
  if (!enter_mounts(*plan.confine, plan.cwd, step, path)) {
    child_fail(error_fd, Stage::confine, step, path);
  }
  const pid_t command = vfork();
  if (command == 0) {
    run_command(plan, error_fd, 1);
  }
  close(error_fd);
  if (command < 0) {
    _exit(k_child_failed);
  }
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT}) {
    sigaddset(&set, sig);
  }
  for (;;) {
    int status = 0;
    rusage usage{};
    const pid_t pid = wait4(-1, &status, WNOHANG, &usage);
    if (pid == command) {
      const InitReport done{status, cpu_us(usage)};
      write_all(status_fd, &done, sizeof done);
      _exit(0);
    }
    if (pid > 0 || (pid < 0 && errno == EINTR)) {
      continue;
    }
    const int sig = sigwaitinfo(&set, nullptr);
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT) {
      kill(-1, SIGTERM); // everything in the namespace but this process
      kill(-1, SIGCONT);
    }
  }
}

// Writes `text` to /proc/<pid>/<name>.
bool write_proc(pid_t pid, const char* name, const char* text) noexcept
{
  char path[64];
  proc_path(path, sizeof path, pid, name);
  return write_file(path, text);
}

// Starts the first process of a confined command in new user, mount, PID, IPC, UTS, cgroup (and
// network) namespaces, writes its uid/gid maps from outside, then lets it go on. -1 with errno set
// on failure.
pid_t start_confined(const Plan& plan, int error_fd, int status_fd) noexcept
{
  int sync[2] = {-1, -1};
  if (pipe2(sync, O_CLOEXEC) != 0) {
    return -1;
  }
  clone_args args{};
  args.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP |
               (plan.unshare_net ? CLONE_NEWNET : 0U);
  args.exit_signal = SIGCHLD;
  const long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    close(sync[1]);
    run_init(plan, sync[0], error_fd, status_fd);
  }
  const int clone_error = errno;
  close(sync[0]);
  if (pid < 0) {
    close(sync[1]);
    errno = clone_error;
    return -1;
  }
  const auto child = static_cast<pid_t>(pid);
  const bool mapped = (plan.confine->drop_identity || write_proc(child, "setgroups", "deny")) &&
                      write_proc(child, "uid_map", plan.confine->uid_map.c_str()) &&
                      write_proc(child, "gid_map", plan.confine->gid_map.c_str());
  const int map_error = errno;
  if (!mapped) {
    close(sync[1]);
    kill(child, SIGKILL);
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    errno = map_error;
    return -1;
  }
  const char go = 1;
  write_all(sync[1], &go, 1);
  close(sync[1]);
  return child;
}

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

// Waits up to `ns` for a SIGCHLD; other signals stay pending.
void wait_for_child(std::int64_t ns) noexcept
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  const timespec timeout = to_timespec(ns > 0 ? ns : 0);
  sigtimedwait(&set, nullptr, &timeout);
}

// SIGTERM (and SIGCONT, for stopped processes) to the process group and to every child, new
// orphans included, for up to `grace_ns`; then SIGKILL until no child is left.
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

// Waits for the main process until the deadline or a cancelling signal.
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

[[noreturn]] void finish(const Plan& plan, Report& report) noexcept
{
  write_all(plan.report_fd, &report, sizeof report);
  _exit(0);
}

} // namespace

void supervise(const Plan& plan) noexcept
{
  close_other_fds(plan.report_fd, plan.output_fd, plan.stdin_fd, plan.seccomp_fd);
  // SIGTERM, not SIGKILL: if tollgate dies, the supervisor still kills the tree before exiting.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != plan.parent_pid) {
    _exit(1);
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &action, nullptr); // no auto-reaping, whatever the parent had
  action.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &action, nullptr); // a vanished parent must not stop the cleanup
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr); // the parent forked with all signals blocked already

  Report report;
  report.start_ns = now_ns();
  int error_pipe[2] = {-1, -1};
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    report.stage = Stage::fork;
    report.error = errno;
    finish(plan, report);
  }
  const pid_t supervisor = getpid();
  int status_pipe[2] = {-1, -1};
  pid_t child = -1;
  if (plan.namespaces) {
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
      report.stage = Stage::fork;
      report.error = errno;
      finish(plan, report);
    }
    child = start_confined(plan, error_pipe[1], status_pipe[1]);
    close(status_pipe[1]);
    if (child < 0) {
      report.stage = Stage::namespaces;
      report.error = errno;
      finish(plan, report);
    }
  } else {
    // vfork: the supervisor is a copy of all of tollgate, and copying its page tables again for
    // every command costs more than the command itself often does. The child only makes syscalls
    // and then execs or _exits, which is what vfork allows; the supervisor waits meanwhile anyway.
    child = vfork();
    if (child == 0) {
      close(error_pipe[0]);
      run_command(plan, error_pipe[1], supervisor);
    }
  }
  close(error_pipe[1]);
  if (child < 0) {
    report.stage = Stage::fork;
    report.error = errno;
    finish(plan, report);
  }

  // EOF means exec succeeded (the pipe is close-on-exec); a record means it failed.
  ChildError failure;
  const std::size_t got = read_all(error_pipe[0], &failure, sizeof failure);
  close(error_pipe[0]);
  Tree tree;
  tree.main = child;
  if (got == sizeof failure) {
    report.stage = failure.stage;
    report.error = failure.error;
    report.confine_step = failure.step;
    report.confine_path = failure.path;
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    finish(plan, report);
  }

  const std::int64_t deadline = plan.timeout_ns > 0 ? report.start_ns + plan.timeout_ns : 0;
  report.finish = wait_for_main(tree, deadline);
  if (!tree.main_done) {
    tree.main_end_ns = now_ns();
  }
  kill_tree(tree, plan.kill_grace_ns);
  if (plan.take_terminal) {
    tcsetpgrp(0, getpgrp()); // the terminal back to tollgate's process group
  }

  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  report.main_status = tree.main_done ? tree.main_status : SIGKILL;
  report.main_end_ns = tree.main_end_ns;
  report.main_cpu_us = cpu_us(tree.main_usage);
  if (plan.namespaces) {
    // The command's own status, as the namespace's first process saw it; none if it was killed.
    InitReport done;
    if (tree.main_done && read_all(status_pipe[0], &done, sizeof done) == sizeof done) {
      report.main_status = done.status;
      report.main_cpu_us = done.cpu_us;
    }
    close(status_pipe[0]);
  }
  report.tree_cpu_us = cpu_us(children);
  report.max_rss_kb = children.ru_maxrss;
  finish(plan, report);
}

} // namespace tollgate::proc::detail
