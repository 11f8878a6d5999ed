#pragma once
// Rego tests as `opa test` runs them: every rule named `test_*` (in any package, any file) is a
// test, `todo_test_*` ones are skipped, a second definition of a name runs on its own as
// `test_x#01`; a test passes when it evaluates to `true`, and a test with variables in its name
// (`test_x[name]`) reports each key as a sub-result. Modules and files by name, rules as written.

#include "rego/engine.hpp"

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace tollgate::rego {

struct TestRunOptions {
  std::optional<std::regex> run;           // --run: only tests whose `data.pkg.test_x` matches
  std::int64_t timeout_ns = 5'000'000'000; // per test (OPA's default: 5 s)
  bool bench = false;                      // repeat each test for about a second, ns/op
  Coverage* coverage = nullptr;            // receives the lines the tests reached
};

// One key of a test with variables in its name (`test_x[name]`), nested as the value is.
struct SubResult {
  std::string name;
  bool fail = false;
  std::vector<SubResult> children;
};

struct TestResult {
  std::string file;
  int row = 0;
  int col = 0;
  std::string package; // data.pkg
  std::string name;    // test_x, test_x#01
  bool fail = false;
  bool skip = false;
  std::optional<RegoError> error;
  std::int64_t duration_ns = 0;
  std::string output;             // what `print` wrote
  std::vector<std::string> notes; // what `trace` noted
  std::vector<SubResult> sub_results;
  std::int64_t bench_iterations = 0; // with TestRunOptions::bench
  double bench_ns_per_op = 0;

  bool pass() const { return !fail && !skip && !error; }
};

// Runs the tests of the compiled `engine` (compiled after rename_duplicate_tests()).
std::vector<TestResult> run_tests(const Engine& engine, const TestRunOptions& options);

// OPA's coverage report: per file the covered and not covered line ranges, counts and percentage,
// then the totals (`{"files": {...}, "covered_lines": n, "not_covered_lines": n, "coverage": pct}`).
nlohmann::json coverage_report(const Compiler& compiler, const Coverage& coverage);

} // namespace tollgate::rego
