#pragma once
// The checklist runner: runs checks in declared order, fail-fast unless `keep_going`, with up to
// `jobs` concurrent checks (by default one per CPU; only checks that say they are concurrent-safe
// overlap), and reports every result in declared order.

#include "checks/check.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tollgate::core {

struct RunOptions {
  bool keep_going = false;
  std::vector<std::string> only; // run just these ids (others are skipped)
  std::vector<std::string> skip; // skip these ids
  // Skip these ids, each saying why (the caller's reason, e.g. "not attested: ..."): id -> reason.
  std::map<std::string, std::string, std::less<>> set_aside;
  unsigned jobs = 0; // at most this many at once; 0 (the default): one per CPU this process may run on
};

// The CPUs this process may run on (its affinity mask, as `taskset` and cgroup cpusets set it;
// at least 1): the default for `RunOptions::jobs`.
unsigned available_cpus();

struct CheckReport {
  std::string id;
  std::string kind;
  Location location; // where tollgate.yaml declares the check (SARIF)
  checks::CheckResult result;
};

struct RunReport {
  std::string run_id;
  std::filesystem::path log_dir;
  std::vector<CheckReport> checks;
  double seconds = 0;
  // 0 when everything passed or was skipped, 1 when a check failed, 3 when one could not run.
  int exit_code() const;
  int count(checks::Status status) const;
};

// A check in progress, for live displays.
struct Running {
  std::string id;
  double seconds = 0; // since it started
};

// Receives progress; called from the thread that called run_checklist.
class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void begin(const std::vector<std::unique_ptr<checks::Check>>& checks) = 0;
  // Called about every 100 ms while checks run; `running` in declared order.
  virtual void tick(const std::vector<Running>& running) = 0;
  // Called once per check, in declared order.
  virtual void finished(const CheckReport& report) = 0;
  virtual void end(const RunReport& report) = 0;
};

// Builds the checks of `config`, in order.
std::vector<std::unique_ptr<checks::Check>> build_checklist(const Config& config);

// Validates `--only`/`--skip` ids against the checklist; Fatal(usage) with a suggestion otherwise.
void validate_selection(const std::vector<std::unique_ptr<checks::Check>>& checks, const RunOptions& options);

// Set from a signal handler: stop starting checks and cancel the running ones.
std::atomic<bool>& interrupted();

RunReport run_checklist(std::vector<std::unique_ptr<checks::Check>>& checks, const checks::Context& context,
                        const RunOptions& options, Reporter& reporter);

} // namespace tollgate::core
