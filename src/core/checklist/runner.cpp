#include "core/checklist/runner.hpp"

#include "checks/registry.hpp"
#include "core/config/yaml_reader.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <sched.h>

namespace tollgate::core {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
  return std::chrono::duration<double>(Clock::now() - start).count();
}

checks::CheckResult skipped(std::string why)
{
  checks::CheckResult result;
  result.status = checks::Status::skipped;
  result.summary = std::move(why);
  return result;
}

bool contains(const std::vector<std::string>& ids, const std::string& id)
{
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Runs one check, turning any escaping exception into an error result (a check must never abort the run).
checks::CheckResult run_one(checks::Check& check, const checks::Context& context)
{
  const auto start = Clock::now();
  checks::CheckResult result;
  try {
    result = check.run(context);
  } catch (const std::exception& error) {
    result.status = checks::Status::error;
    result.summary = fmt::format("internal error: {}", error.what());
  }
  if (result.seconds <= 0) {
    result.seconds = seconds_since(start);
  }
  return result;
}

} // namespace

int RunReport::count(checks::Status status) const
{
  return static_cast<int>(std::count_if(checks.begin(), checks.end(),
                                        [&](const CheckReport& check) { return check.result.status == status; }));
}

int RunReport::exit_code() const
{
  if (count(checks::Status::fail) > 0) {
    return 1;
  }
  if (count(checks::Status::error) > 0) {
    return 3;
  }
  return 0;
}

std::atomic<bool>& interrupted()
{
  static std::atomic<bool> flag{false};
  return flag;
}

std::vector<std::unique_ptr<checks::Check>> build_checklist(const Config& config)
{
  std::vector<std::unique_ptr<checks::Check>> checks;
  const std::string file = config.path.empty() ? std::string(k_config_file) : config.path.filename().string();
  for (const auto& spec : config.checks) {
    try {
      checks.push_back(checks::create(spec, file));
    } catch (const ConfigError& error) {
      usage_error(error.what());
    }
  }
  return checks;
}

void validate_selection(const std::vector<std::unique_ptr<checks::Check>>& checks, const RunOptions& options)
{
  std::vector<std::string> ids;
  for (const auto& check : checks) {
    ids.push_back(check->id());
  }
  for (const auto* list : {&options.only, &options.skip}) {
    for (const auto& id : *list) {
      if (!contains(ids, id)) {
        usage_error(
            fmt::format("no check with id `{}`{} (checks: {})", id, util::did_you_mean(id, ids), fmt::join(ids, ", ")));
      }
    }
  }
}

unsigned available_cpus()
{
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

RunReport run_checklist(std::vector<std::unique_ptr<checks::Check>>& checks, const checks::Context& context,
                        const RunOptions& options, Reporter& reporter)
{
  const auto run_start = Clock::now();
  const std::size_t n = checks.size();
  const unsigned jobs = options.jobs == 0 ? available_cpus() : options.jobs;

  RunReport report;
  report.log_dir = context.log_dir;
  report.checks.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    report.checks[i].id = checks[i]->id();
    report.checks[i].kind = checks[i]->spec().kind;
    report.checks[i].location = checks[i]->spec().location;
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::optional<checks::CheckResult>> results(n);
  std::vector<std::optional<Clock::time_point>> started(n);
  std::deque<std::atomic<bool>> cancel(n);
  std::vector<std::thread> workers;
  std::size_t running = 0;
  bool running_exclusive = false;
  std::optional<std::size_t> first_failure; // lowest index that failed (fail-fast)

  reporter.begin(checks);

  const auto decide_skip = [&](std::size_t i) -> std::optional<std::string> {
    const checks::Check& check = *checks[i];
    if (!options.only.empty() && !contains(options.only, check.id())) {
      return std::string("not selected (--only)");
    }
    if (contains(options.skip, check.id())) {
      return std::string("skipped (--skip)");
    }
    if (const auto aside = options.set_aside.find(check.id()); aside != options.set_aside.end()) {
      return aside->second;
    }
    if (interrupted().load()) {
      return std::string("not run: interrupted");
    }
    if (first_failure && *first_failure < i) {
      return fmt::format("not run: `{}` failed (use --keep-going to run every check)", checks[*first_failure]->id());
    }
    if (!check.spec().when_exists.empty()) {
      std::error_code ec;
      if (!std::filesystem::exists(context.root / check.spec().when_exists, ec)) {
        return fmt::format("{} does not exist", check.spec().when_exists);
      }
    }
    return std::nullopt;
  };

  std::size_t next_to_start = 0;
  std::size_t next_to_report = 0;
  std::unique_lock lock(mutex);
  while (next_to_report < n) {
    // Start what may start: in declared order, up to `jobs`, exclusive checks alone.
    while (next_to_start < n) {
      const std::size_t i = next_to_start;
      if (auto why = decide_skip(i)) {
        results[i] = skipped(std::move(*why));
        ++next_to_start;
        continue;
      }
      const bool concurrent = jobs > 1 && checks[i]->concurrent();
      const bool can_start = running == 0 || (concurrent && !running_exclusive && running < jobs);
      if (!can_start) {
        break;
      }
      ++running;
      running_exclusive = !concurrent;
      started[i] = Clock::now();
      ++next_to_start;
      checks::Context check_context = context;
      check_context.cancel = &cancel[i];
      for (std::size_t j = 0; j < i; ++j) {
        const checks::CheckResult* done =
            results[j] ? &*results[j] : (j < next_to_report ? &report.checks[j].result : nullptr);
        if (done != nullptr) {
          check_context.earlier[checks[j]->id()] = {{"kind", checks[j]->spec().kind},
                                                    {"status", to_string(done->status)},
                                                    {"summary", done->summary},
                                                    {"seconds", done->seconds},
                                                    {"details", done->details}};
        }
      }
      workers.emplace_back([&, i, check_context] {
        checks::CheckResult result = run_one(*checks[i], check_context);
        const std::lock_guard guard(mutex);
        results[i] = std::move(result);
        --running;
        if (running == 0) {
          running_exclusive = false;
        }
        const checks::Status status = results[i]->status;
        if (!options.keep_going && (status == checks::Status::fail || status == checks::Status::error) &&
            (!first_failure || i < *first_failure)) {
          first_failure = i;
          for (std::size_t later = i + 1; later < n; ++later) {
            cancel[later] = true;
          }
        }
        changed.notify_all();
      });
    }

    // Report, in declared order, whatever has finished.
    while (next_to_report < n && results[next_to_report]) {
      CheckReport& entry = report.checks[next_to_report];
      entry.result = std::move(*results[next_to_report]);
      if (first_failure && *first_failure < next_to_report && entry.result.outcome &&
          entry.result.outcome->ended == proc::Ended::cancelled) {
        entry.result.status = checks::Status::skipped;
        entry.result.summary = fmt::format("cancelled: `{}` failed", checks[*first_failure]->id());
      }
      lock.unlock();
      reporter.finished(entry);
      lock.lock();
      ++next_to_report;
    }
    if (next_to_report >= n) {
      break;
    }
    if (interrupted().load()) {
      for (auto& flag : cancel) {
        flag = true;
      }
    }
    changed.wait_for(lock, std::chrono::milliseconds(100));
    std::vector<Running> now_running;
    for (std::size_t i = next_to_report; i < n; ++i) {
      if (started[i] && !results[i]) {
        now_running.push_back({checks[i]->id(), seconds_since(*started[i])});
      }
    }
    if (!now_running.empty()) {
      lock.unlock();
      reporter.tick(now_running);
      lock.lock();
    }
  }
  lock.unlock();
  for (auto& worker : workers) {
    worker.join();
  }
  report.seconds = seconds_since(run_start);
  reporter.end(report);
  return report;
}

} // namespace tollgate::core
