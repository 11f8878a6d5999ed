#pragma once
// What `opa test` prints, as tollgate's `policy test` prints it: the pretty report (with --verbose
// and --bench), the JSON report, Go's durations, and an error as `opa` writes it.

#include "rego/tester.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::rego {

// `file:row: code: message` (then the detail lines, tab-indented), as `opa` prints an error.
std::string error_line(const RegoError& error);

// Go's time.Duration text: 0s, 512ns, 1.5µs, 2.25ms, 1.5s, 1m30s.
std::string go_duration(std::int64_t ns);

// `5s`, `100ms`, `1m30s`, `2.5s`, `250us`: Go's duration syntax, in nanoseconds; nullopt when
// `text` is not one.
std::optional<std::int64_t> parse_go_duration(std::string_view text);

struct PrettyOptions {
  bool verbose = false; // every test, what it printed, and the notes of the failing ones
  bool bench = false;   // a passing test's line is its benchmark
};

// The pretty report of `results` on `out`: the failing (or, verbose, every) test by file, then the counts.
void print_pretty(std::FILE* out, const std::vector<TestResult>& results, const PrettyOptions& options);

// OPA's JSON report: an array of results (`output` base64, as Go encodes bytes).
nlohmann::json results_json(const std::vector<TestResult>& results);

} // namespace tollgate::rego
