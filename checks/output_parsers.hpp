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

// The node ids `pytest --collect-only -q` lists ("tests/test_a.py::test_x[1]"), in order.
std::vector<std::string> parse_pytest_collection(std::string_view output);

// The 0-based shard of `count` that test `node_id` belongs to: SHA-256 of the id, modulo `count`;
// the same on every machine (`check --attest --shard I/N`).
unsigned shard_of(std::string_view node_id, unsigned count);

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
