// The per-command supervisor (see supervisor.hpp). It runs in a process forked from a multithreaded
// parent, so it only makes async-signal-safe system calls on memory prepared before the fork: no
// allocation, no stdio, no C++ library calls that might allocate or lock.
#include "proc/supervisor.hpp"

#include "proc/process_tree.hpp"
#include "proc/signal_safe.hpp"

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

// The first process of a confined command's namespaces (pid 1 there): waits for its maps, sets up
// the mounts, starts the command, then reaps until the command ends and reports its status. When it
// exits, the kernel kills whatever is left in the namespace.
[[noreturn]] void run_init(const Plan& plan, int sync_fd, int error_fd, int status_fd) noexcept
{
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  char go = 0;
  if (read_all(sync_fd, &go, 1) != 1) {
    _exit(k_child_failed); // the supervisor could not write the maps, and said so itself
  }
  close(sync_fd);
  // A copy of tollgate's memory and environment: nobody in the namespace may read it. Only once
  // the maps are written: a process that is not dumpable has its /proc files owned by root, and
  // an unprivileged supervisor could then not open its uid_map (a race it lost about half the runs).
  prctl(PR_SET_DUMPABLE, 0);
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
