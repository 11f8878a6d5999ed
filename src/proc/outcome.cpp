// What ended a command: the supervisor's report turned into an Outcome, and its one-line description.
#include "proc/outcome.hpp"

#include "util/file.hpp"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>

namespace tollgate::proc {

namespace detail {

namespace {

constexpr std::size_t k_log_tail_bytes = 64 * 1024;
constexpr double k_rss_share = 0.9;     // max RSS at this share of the limit counts as hitting it
constexpr double k_cpu_slack_sec = 0.5; // a relayed 128+n: the tree's cpu time must be this close
constexpr int k_wrapper_signal_base = 128;

// Messages a program prints when an allocation is refused (Python, C++, glibc, Go/Rust, bash).
constexpr std::array<std::string_view, 5> k_allocation_failures{
    "MemoryError", "std::bad_alloc", "Cannot allocate memory", "out of memory", "memory exhausted"};

// True when the tail of the log at `path` shows a refused allocation.
bool log_shows_allocation_failure(const std::string& path)
{
  const std::string tail = util::read_file_tail(path, k_log_tail_bytes);
  return std::ranges::any_of(k_allocation_failures,
                             [&](std::string_view marker) { return tail.find(marker) != std::string::npos; });
}

bool is_wrapper(Backend backend)
{
  return backend == Backend::firejail || backend == Backend::bwrap;
}

std::string format_duration(std::chrono::milliseconds duration)
{
  const auto ms = duration.count();
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + " s";
  }
  if (ms % 100 == 0) {
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
  }
  return std::to_string(ms) + " ms";
}

} // namespace

Outcome interpret(const Report& report, const Limits& limits, Backend backend, const std::string& output_path)
{
  Outcome outcome;
  outcome.backend = backend;
  outcome.limits = limits;
  outcome.seconds = static_cast<double>(report.main_end_ns - report.start_ns) / 1e9;
  outcome.cpu_seconds = static_cast<double>(report.tree_cpu_us) / 1e6;
  outcome.max_rss_kb = report.max_rss_kb;
  const double main_cpu = static_cast<double>(report.main_cpu_us) / 1e6;

  const int status = report.main_status;
  if (WIFSIGNALED(status)) {
    outcome.ended = Ended::signaled;
    outcome.signal = WTERMSIG(status);
    outcome.exit_code = k_wrapper_signal_base + outcome.signal;
  } else {
    outcome.exit_code = WEXITSTATUS(status);
    // firejail and bwrap turn the command's fatal signal n into exit status 128+n.
    if (is_wrapper(backend) && outcome.exit_code > k_wrapper_signal_base &&
        outcome.exit_code < k_wrapper_signal_base + NSIG) {
      outcome.ended = Ended::signaled;
      outcome.signal = outcome.exit_code - k_wrapper_signal_base;
    }
  }
  const bool direct_signal = WIFSIGNALED(status);

  if (report.finish == Finish::timeout) {
    outcome.ended = Ended::timeout;
    return outcome;
  }
  if (report.finish == Finish::cancelled) {
    outcome.ended = Ended::cancelled;
    return outcome;
  }
  if (limits.cpu_sec) {
    const double cpu_limit = *limits.cpu_sec;
    const bool xcpu = direct_signal && outcome.signal == SIGXCPU;
    const bool hard_kill = direct_signal && outcome.signal == SIGKILL && main_cpu >= cpu_limit;
    // A shell or wrapper in between reports the signal as an exit status instead.
    const bool relayed = !direct_signal &&
                         (outcome.exit_code == k_wrapper_signal_base + SIGXCPU ||
                          outcome.exit_code == k_wrapper_signal_base + SIGKILL) &&
                         outcome.cpu_seconds >= cpu_limit - k_cpu_slack_sec;
    if (xcpu || hard_kill || relayed) {
      outcome.ended = Ended::cpu_limit;
      return outcome;
    }
  }
  const bool failed = outcome.ended != Ended::exited || outcome.exit_code != 0;
  if (limits.mem_mb && failed) {
    const double limit_kb = static_cast<double>(*limits.mem_mb) * 1024.0;
    const bool near_limit = static_cast<double>(outcome.max_rss_kb) >= k_rss_share * limit_kb;
    if (near_limit || (!output_path.empty() && log_shows_allocation_failure(output_path))) {
      outcome.ended = Ended::memory_limit;
    }
  }
  return outcome;
}

std::string signal_name(int sig)
{
  if (const char* abbreviation = sigabbrev_np(sig)) {
    return std::string("SIG") + abbreviation;
  }
  return "signal " + std::to_string(sig);
}

} // namespace detail

std::string Outcome::describe() const
{
  std::string text;
  switch (ended) {
  case Ended::exited:
    text = "exit " + std::to_string(exit_code);
    break;
  case Ended::signaled:
    text = "killed by " + detail::signal_name(signal);
    break;
  case Ended::cpu_limit:
    text = "killed: CPU limit of " + std::to_string(limits.cpu_sec.value_or(0)) + " s";
    break;
  case Ended::memory_limit: {
    const std::string limit = "memory limit " + std::to_string(limits.mem_mb.value_or(0)) + " MiB";
    text = signal != 0 ? "killed: " + limit : "failed: " + limit + " reached (allocation refused)";
    break;
  }
  case Ended::timeout:
    text = "killed: wall-clock timeout of " + detail::format_duration(limits.timeout);
    break;
  case Ended::cancelled:
    text = "cancelled";
    break;
  }
  if (backend != Backend::none) {
    text += " (" + std::string(to_string(backend)) + ")";
  }
  return text;
}

} // namespace tollgate::proc
