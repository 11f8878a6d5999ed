// run(): prepares everything that allocates before forking the per-command supervisor
// (supervisor.cpp), then reads its report and says what ended the command.
#include "proc/sandbox.hpp"

#include "proc/backends.hpp"
#include "proc/confine.hpp"
#include "proc/outcome.hpp"
#include "proc/seccomp.hpp"
#include "proc/supervisor.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tollgate::proc {

namespace {

constexpr int k_cancel_poll_ms = 50;

using UniqueFd = util::Fd;

// Null-terminated `char*` arrays over strings that outlive the fork.
class CStrings {
public:
  explicit CStrings(std::vector<std::string> strings) : m_strings(std::move(strings))
  {
    m_pointers.reserve(m_strings.size() + 1);
    for (auto& text : m_strings) {
      m_pointers.push_back(text.data());
    }
    m_pointers.push_back(nullptr);
  }
  char* const* get() const { return m_pointers.data(); }

private:
  std::vector<std::string> m_strings;
  std::vector<char*> m_pointers;
};

constexpr std::string_view k_not_found = ": command not found";

std::string errno_text(int error)
{
  return std::strerror(error);
}

bool is_executable_file(const std::string& path)
{
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

// `path` as the command child will see it after changing to `base` (empty: no change), made
// absolute so that the change of directory cannot move it.
std::string relative_to(const std::string& base, std::string_view path)
{
  if (path.starts_with('/')) {
    return std::string(path);
  }
  std::error_code error;
  const std::filesystem::path joined = base.empty() ? std::filesystem::path(path) : std::filesystem::path(base) / path;
  const std::filesystem::path absolute = std::filesystem::absolute(joined, error);
  return (error ? joined : absolute).string();
}

// Whether `path` can be exec'd: an executable file that, for a confined command, the command can
// see (symbolic links resolved: a link into a hidden directory leads nowhere inside).
bool usable(const std::string& path, const detail::ConfinePlan* plan)
{
  if (!is_executable_file(path)) {
    return false;
  }
  return plan == nullptr ||
         (detail::visible(*plan, std::filesystem::path(path).parent_path().string()) && detail::visible(*plan, path));
}

// Shell-like lookup of `name` on `search_path`, relative entries taken from `base`; confined
// (`plan`), only what the command can see.
std::optional<std::string> lookup(std::string_view name, std::string_view search_path, const std::string& base,
                                  const detail::ConfinePlan* plan = nullptr)
{
  if (name.empty()) {
    return std::nullopt;
  }
  if (name.find('/') != std::string_view::npos) {
    std::string candidate = relative_to(base, name);
    return usable(candidate, plan) ? std::optional(candidate) : std::nullopt;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = search_path.find(':', start);
    std::string_view dir = search_path.substr(start, end == std::string_view::npos ? end : end - start);
    if (dir.empty()) {
      dir = ".";
    }
    std::string candidate = relative_to(base, std::string(dir) + "/" + std::string(name));
    if (usable(candidate, plan)) {
      return candidate;
    }
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    start = end + 1;
  }
}

std::string default_search_path()
{
  if (const char* path = std::getenv("PATH")) { // NOLINT(concurrency-mt-unsafe): read-only use
    return path;
  }
  return "/usr/local/bin:/usr/bin:/bin";
}

// Whether a confined command may see the variable `name` of our environment (DESIGN.md §7.2).
bool allowed_name(std::string_view name, const std::vector<std::string>& passenv)
{
  static constexpr std::string_view k_allowed[] = {"PATH", "LANG", "TZ", "TERM", "CI"};
  return std::ranges::find(k_allowed, name) != std::end(k_allowed) || name.starts_with("LC_") ||
         std::ranges::find(passenv, name) != passenv.end();
}

// The child's environment: ours (confined: only the allowlist and `passenv`), then `env_set`, then
// SANDBOX_CPU_SEC / SANDBOX_MEM_MB from the limits unless `env_set` names them; confined, HOME and
// TMPDIR point into the fresh /tmp.
std::vector<std::string> build_environment(const Command& command, const Limits& limits, const std::string& home)
{
  std::vector<std::pair<std::string, std::string>> overrides;
  if (!home.empty()) {
    overrides = {{"HOME", home}, {"TMPDIR", "/tmp"}};
  }
  overrides.insert(overrides.end(), command.env_set.begin(), command.env_set.end());
  const auto mentioned = [&](std::string_view name) {
    return std::ranges::any_of(command.env_set, [&](const auto& entry) { return entry.first == name; });
  };
  if (limits.cpu_sec && !mentioned("SANDBOX_CPU_SEC")) {
    overrides.emplace_back("SANDBOX_CPU_SEC", std::to_string(*limits.cpu_sec));
  }
  if (limits.mem_mb && !mentioned("SANDBOX_MEM_MB")) {
    overrides.emplace_back("SANDBOX_MEM_MB", std::to_string(*limits.mem_mb));
  }
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    if (!home.empty() && !allowed_name(name, limits.passenv)) {
      continue;
    }
    if (std::ranges::none_of(overrides, [&](const auto& item) { return item.first == name; })) {
      environment.emplace_back(text);
    }
  }
  for (const auto& [name, value] : overrides) {
    // The last setting of a name wins, as with repeated `export`.
    std::erase_if(environment, [&name = name](const std::string& entry) {
      return entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=';
    });
    environment.push_back(name + "=" + value);
  }
  return environment;
}

// The search path the command's own PATH setting implies.
std::string search_path_for(const Command& command)
{
  std::string path = default_search_path();
  for (const auto& [name, value] : command.env_set) {
    if (name == "PATH") {
      path = value;
    }
  }
  return path;
}

// {soft, hard}, lowered to the hard limit we already have: only root may raise it.
rlimit within_hard_limit(decltype(RLIMIT_CPU) resource, rlim_t soft, rlim_t hard)
{
  rlimit current{};
  if (getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
    hard = std::min(hard, current.rlim_max);
  }
  return {std::min(soft, hard), hard};
}

// Why the command could not be started, from the supervisor's report.
Error start_failure(const detail::Report& report, const Command& command, const detail::ConfinePlan* plan)
{
  const std::string& program = command.argv.front();
  const std::string reason = errno_text(report.error);
  switch (report.stage) {
  case detail::Stage::unshare:
    return {"network isolation failed: unshare: " + reason};
  case detail::Stage::exec:
    return {"cannot run `" + program + "`: " + reason};
  case detail::Stage::chdir:
    return {"cannot run `" + program + "` in `" + command.cwd + "`: " + reason};
  case detail::Stage::rlimit:
    return {"cannot limit `" + program + "`: setrlimit: " + reason};
  case detail::Stage::redirect:
    return {"cannot redirect the output of `" + program + "`: " + reason};
  case detail::Stage::namespaces:
    return {"confinement failed: cannot create the namespaces: " + reason};
  case detail::Stage::confine: {
    const auto step = static_cast<detail::ConfineStep>(report.confine_step);
    const char* path = plan == nullptr ? nullptr : detail::failed_path(*plan, report.confine_path);
    return {std::string("confinement failed: ") + detail::to_string(step) + ": " + reason +
            (path != nullptr ? std::string(" (") + path + ")" : std::string())};
  }
  case detail::Stage::fork:
  case detail::Stage::started:
    break;
  }
  return {"cannot start `" + program + "`: " + reason};
}

// Reads the supervisor's report; while waiting, turns `*cancel` into a SIGTERM to the supervisor.
std::size_t read_report(int fd, detail::Report& report, pid_t supervisor, const std::atomic<bool>* cancel)
{
  auto* bytes = reinterpret_cast<char*>(&report);
  std::size_t got = 0;
  bool cancelling = false;
  while (got < sizeof report) {
    if (cancel != nullptr && !cancelling) {
      pollfd ready{fd, POLLIN, 0};
      const int polled = poll(&ready, 1, k_cancel_poll_ms);
      if (polled == 0 || (polled < 0 && errno == EINTR)) {
        if (cancel->load()) {
          kill(supervisor, SIGTERM);
          cancelling = true;
        }
        continue;
      }
    }
    const ssize_t n = read(fd, bytes + got, sizeof report - got);
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

} // namespace

namespace detail {

Result<Outcome> run_isolated(const Command& command, const Limits& limits, const Isolation& isolation,
                             const std::atomic<bool>* cancel)
{
  if (command.argv.empty()) {
    return fail("empty command");
  }
  const std::string& name = command.argv.front();
  if (cancel != nullptr && cancel->load()) {
    Outcome outcome;
    outcome.ended = Ended::cancelled;
    outcome.backend = isolation.backend;
    outcome.limits = limits;
    return outcome;
  }
  // Everything the forked processes touch is allocated here, before the fork.
  ConfinePlan confine;
  if (isolation.confine) {
    if (auto prepared = prepare_confinement(confine, command, limits); !prepared) {
      return std::unexpected(prepared.error());
    }
    if (!runs_as_sandbox_uid(isolation.backend)) {
      confine.drop_identity = false;
    }
    // bwrap mounts as the identity tollgate (root) starts it as: a path that identity cannot reach
    // would fail inside bwrap, after the command's log is opened, and read as the check failing.
    if (isolation.backend == Backend::bwrap && confine.drop_identity) {
      if (const std::string blocked = unreachable_by_identity(confine); !blocked.empty()) {
        return fail(fmt::format("confinement with bwrap: uid {} cannot search {}, above a path the sandbox binds "
                                "or hides; bwrap mounts as that uid: make it searchable (chmod o+x) or use the "
                                "namespaces backend (`sandbox.backend: namespaces`)",
                                confine.outside_uid, blocked));
      }
    }
  }
  auto program = lookup(name, search_path_for(command), command.cwd, isolation.confine ? &confine : nullptr);
  if (!program) {
    return fail("`" + name + "`" + std::string(k_not_found) +
                (isolation.confine ? std::string(" (among what a confined check can see)") : std::string()));
  }
  UniqueFd seccomp;
  if (isolation.confine && isolation.backend == Backend::bwrap) {
    seccomp = UniqueFd(seccomp_memfd(confine.seccomp));
    if (seccomp.get() < 0) {
      return fail("confinement failed: cannot pass the seccomp filter to bwrap: " + errno_text(errno));
    }
  }
  std::vector<std::string> argv = wrapper_argv(isolation, confine, command, limits);
  std::string exec_path;
  if (argv.empty()) {
    exec_path = *program;
    argv.push_back(name);
  } else {
    exec_path = argv.front();
    argv.push_back(*program);
  }
  argv.insert(argv.end(), command.argv.begin() + 1, command.argv.end());
  const CStrings child_argv(std::move(argv));
  const CStrings child_envp(build_environment(command, limits, isolation.confine ? confine.home : std::string()));

  UniqueFd output;
  if (!command.output_path.empty()) {
    output = UniqueFd(
        open(command.output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644));
    if (output.get() < 0) {
      return fail("cannot write `" + command.output_path + "`: " + errno_text(errno));
    }
  }
  UniqueFd input;
  if (command.stdin_null) {
    input = UniqueFd(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (input.get() < 0) {
      return fail("cannot open /dev/null: " + errno_text(errno));
    }
  }
  std::array<int, 2> pipe_fds{-1, -1};
  if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    return fail("cannot start `" + name + "`: pipe: " + errno_text(errno));
  }
  UniqueFd report_read(pipe_fds[0]);
  UniqueFd report_write(pipe_fds[1]);

  const bool userns_fallback = isolation.backend == Backend::namespaces && !isolation.confine && geteuid() != 0;
  const std::string uid_map = std::to_string(geteuid()) + " " + std::to_string(geteuid()) + " 1";
  const std::string gid_map = std::to_string(getegid()) + " " + std::to_string(getegid()) + " 1";

  Plan plan;
  plan.exec_path = exec_path.c_str();
  plan.argv = child_argv.get();
  plan.envp = child_envp.get();
  plan.cwd = command.cwd.empty() ? nullptr : command.cwd.c_str();
  plan.output_fd = output.get();
  plan.stdin_fd = input.get();
  plan.stdout_to_stderr = command.stdout_to_stderr;
  // In its own process group the command would be stopped (SIGTTIN) reading from our terminal.
  plan.take_terminal = !command.stdin_null && isatty(0) == 1 && tcgetpgrp(0) == getpgrp();
  // RLIMIT_CPU is per process: SIGXCPU at the soft limit, SIGKILL one second later.
  if (limits.cpu_sec && *limits.cpu_sec > 0) {
    plan.set_cpu = true;
    plan.cpu = within_hard_limit(RLIMIT_CPU, *limits.cpu_sec, rlim_t{*limits.cpu_sec} + 1);
  }
  // RLIMIT_AS rather than RLIMIT_DATA: every allocator (brk, mmap, thread stacks) is refused past
  // it on any kernel, it is inherited through firejail and bwrap, and it needs no cgroup. The
  // cost: it counts reserved address space, so runtimes that reserve much more than they use (Go,
  // the JVM, sanitizer builds) need a generous `mem_mb`.
  if (limits.mem_mb && *limits.mem_mb > 0) {
    plan.set_mem = true;
    const rlim_t bytes = rlim_t{*limits.mem_mb} * 1024 * 1024;
    plan.mem = within_hard_limit(RLIMIT_AS, bytes, bytes);
  }
  plan.unshare_net = isolation.backend == Backend::namespaces && limits.network == Network::none;
  plan.confine = isolation.confine ? &confine : nullptr;
  plan.namespaces = isolation.confine && isolation.backend == Backend::namespaces;
  plan.seccomp_fd = seccomp.get();
  if (plan.namespaces) {
    plan.take_terminal = false;
  }
  plan.uid_map = userns_fallback ? uid_map.c_str() : nullptr;
  plan.gid_map = userns_fallback ? gid_map.c_str() : nullptr;
  plan.timeout_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(limits.timeout).count();
  plan.kill_grace_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(limits.kill_grace).count();
  plan.parent_pid = getpid();
  plan.report_fd = report_write.get();

  // The supervisor starts with every signal blocked, so an early SIGTERM waits for it.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  const pid_t supervisor = fork();
  if (supervisor == 0) {
    supervise(plan);
  }
  const int fork_error = errno;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  report_write.reset();
  output.reset();
  input.reset();
  seccomp.reset();
  if (supervisor < 0) {
    return fail("cannot start `" + name + "`: fork: " + errno_text(fork_error));
  }

  Report report;
  const std::size_t got = read_report(report_read.get(), report, supervisor, cancel);
  int supervisor_status = 0;
  while (waitpid(supervisor, &supervisor_status, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof report) {
    const std::string how = WIFSIGNALED(supervisor_status) ? "killed by " + signal_name(WTERMSIG(supervisor_status))
                                                           : "exit " + std::to_string(WEXITSTATUS(supervisor_status));
    return fail("the sandbox supervisor of `" + name + "` ended without a report (" + how + ")");
  }
  if (report.stage != Stage::started) {
    return std::unexpected(start_failure(report, command, confine.active ? &confine : nullptr));
  }
  Outcome outcome = interpret(report, limits, isolation.backend, command.output_path);
  outcome.confined = isolation.confine;
  return outcome;
}

} // namespace detail

Result<Outcome> run(const Command& command, const Limits& limits, const std::atomic<bool>* cancel)
{
  detail::Isolation isolation;
  if (limits.confine || limits.network == Network::none) {
    auto resolved = detail::resolve_isolation(limits.backend, limits.confine);
    if (!resolved) {
      return std::unexpected(resolved.error());
    }
    isolation = std::move(*resolved);
  }
  return detail::run_isolated(command, limits, isolation, cancel);
}

bool program_not_found(const Error& error)
{
  return error.message.find(k_not_found) != std::string::npos;
}

std::optional<std::string> find_program(std::string_view name)
{
  return lookup(name, default_search_path(), {});
}

} // namespace tollgate::proc
