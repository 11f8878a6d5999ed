#pragma once
// Parsers for the result lines of the tools the built-in checks run.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::checks {

// pytest's closing line, e.g. "210 passed, 2 skipped in 3.10s" (with -q) or
// "===== 1 failed, 3 passed in 0.12s =====".
struct PytestSummary {
  std::map<std::string, long> counts; // "passed", "failed", "skipped", "error", "xfailed", ...
  std::optional<double> seconds;
  std::string line; // the counts as pytest printed them, without the time
  long count(const std::string& key) const;
};
std::optional<PytestSummary> parse_pytest_output(std::string_view output);

// `pre-commit run` lines "hook name.....Passed" / "Failed" / "(no files to check)Skipped".
struct PreCommitSummary {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::vector<std::string> failed_hooks;
  int total() const { return passed + failed + skipped; }
};
PreCommitSummary parse_pre_commit_output(std::string_view output);

} // namespace tollgate::checks
