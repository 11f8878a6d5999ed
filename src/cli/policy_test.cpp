// `tollgate policy test`: Rego tests as `opa test` runs and reports them (discovery, names,
// pretty and JSON output, --run, --verbose, --coverage, --bench, --timeout), with OPA's exit
// codes: 0 all passed, 2 a test failed, errored or was skipped (0 with --exit-zero-on-skipped),
// 1 the policies did not load or compile.

#include "cli/common.hpp"
#include "cli/policy_support.hpp"
#include "rego/engine.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>

namespace tollgate::cli {

namespace {

constexpr int k_test_failed = 2; // opa test: a test did not pass
constexpr int k_load_failed = 1; // opa test: loading or compiling failed

struct TestOptions {
  std::vector<std::string> paths;
  bool verbose = false;
  std::string format = "pretty";
  std::string run;
  bool coverage = false;
  double threshold = 0;
  bool bench = false;
  std::string timeout;
  bool bundle = false;
  bool exit_zero_on_skipped = false;
};

// Go's time.Duration text: 0s, 512ns, 1.5µs, 2.25ms, 1.5s, 1m30s.
std::string go_duration(std::int64_t ns)
{
  if (ns == 0) {
    return "0s";
  }
  auto trimmed = [](double v, int decimals) {
    std::string text = fmt::format("{:.{}f}", v, decimals);
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') {
        text.pop_back();
      }
      if (text.back() == '.') {
        text.pop_back();
      }
    }
    return text;
  };
  const double v = static_cast<double>(ns);
  if (ns < 1'000) {
    return fmt::format("{}ns", ns);
  }
  if (ns < 1'000'000) {
    return trimmed(v / 1e3, 3) + "µs";
  }
  if (ns < 1'000'000'000) {
    return trimmed(v / 1e6, 6) + "ms";
  }
  if (ns < 60'000'000'000) {
    return trimmed(v / 1e9, 9) + "s";
  }
  const std::int64_t minutes = ns / 60'000'000'000;
  return fmt::format("{}m{}s", minutes, trimmed(static_cast<double>(ns % 60'000'000'000) / 1e9, 9));
}

// `5s`, `100ms`, `1m30s`, `2.5s`, `250us`: Go's duration syntax, in nanoseconds.
std::int64_t parse_go_duration(const std::string& text)
{
  static const std::pair<std::string_view, double> k_units[] = {{"ns", 1},  {"us", 1e3}, {"µs", 1e3},  {"ms", 1e6},
                                                                {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) {
      ++end;
    }
    if (end == i) {
      usage_error(fmt::format("--timeout {}: expected a duration such as 5s, 500ms or 1m", text));
    }
    const double amount = std::stod(text.substr(i, end - i));
    bool matched = false;
    for (const auto& [unit, scale] : k_units) {
      if (text.compare(end, unit.size(), unit) == 0 &&
          (end + unit.size() == text.size() ||
           std::isdigit(static_cast<unsigned char>(text[end + unit.size()])) != 0)) {
        total += amount * scale;
        i = end + unit.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      usage_error(fmt::format("--timeout {}: expected a duration such as 5s, 500ms or 1m", text));
    }
  }
  return static_cast<std::int64_t>(total);
}

std::string outcome(const rego::TestResult& r)
{
  return r.pass() ? "PASS" : r.fail ? "FAIL" : r.skip ? "SKIPPED" : "ERROR";
}

void print_sub_results(const std::vector<rego::SubResult>& results, const std::string& indent)
{
  for (const auto& sr : results) {
    std::fprintf(stdout, "%s%s: %s\n", indent.c_str(), sr.name.c_str(), sr.fail ? "FAIL" : "PASS");
    print_sub_results(sr.children, indent + "  ");
  }
}

void print_line(const rego::TestResult& r)
{
  if (r.skip) {
    std::fprintf(stdout, "%s.%s: SKIPPED\n", r.package.c_str(), r.name.c_str());
    return;
  }
  std::fprintf(stdout, "%s.%s: %s (%s)\n", r.package.c_str(), r.name.c_str(), outcome(r).c_str(),
               go_duration(r.duration_ns).c_str());
  print_sub_results(r.sub_results, "  ");
}

void print_indented(const std::string& text, const std::string& indent)
{
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::fprintf(stdout, "%s%s\n", indent.c_str(), line.c_str());
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
}

// Go's BenchmarkResult: iterations, then ns/op with 10 places before the point.
std::string bench_text(const rego::TestResult& r)
{
  const double ns = r.bench_ns_per_op;
  std::string per_op = ns >= 999.95   ? fmt::format("{:10.0f} ns/op", ns)
                       : ns >= 99.995 ? fmt::format("{:12.1f} ns/op", ns)
                       : ns >= 9.9995 ? fmt::format("{:13.2f} ns/op", ns)
                                      : fmt::format("{:14.3f} ns/op", ns);
  return fmt::format("{}.{}\t{:8}\t{}", r.package, r.name, r.bench_iterations, per_op);
}

void report_pretty(const std::vector<rego::TestResult>& results, const TestOptions& options)
{
  int pass = 0;
  int fail = 0;
  int skip = 0;
  int errors = 0;
  for (const auto& r : results) {
    const bool leaves = !r.error && !r.skip && !r.sub_results.empty();
    if (leaves) {
      // Each key of a test with variables counts as a test (its leaves).
      std::function<void(const std::vector<rego::SubResult>&)> count = [&](const auto& srs) {
        for (const auto& sr : srs) {
          if (sr.children.empty()) {
            (sr.fail ? fail : pass)++;
          } else {
            count(sr.children);
          }
        }
      };
      count(r.sub_results);
    } else {
      r.pass() ? ++pass : r.skip ? ++skip : r.error ? ++errors : ++fail;
    }
  }
  bool dirty = false;
  if (fail > 0 && options.verbose) {
    std::fputs("FAILURES\n", stdout);
    std::fputs((std::string(80, '-') + "\n").c_str(), stdout);
    for (const auto& r : results) {
      if (r.fail) {
        print_line(r);
        for (const auto& note : r.notes) {
          std::fprintf(stdout, "  Note %s\n", rego::to_text(rego::Value::string(note)).c_str());
        }
        std::fputs("\n", stdout);
      }
    }
    std::fputs("SUMMARY\n", stdout);
    std::fputs((std::string(80, '-') + "\n").c_str(), stdout);
  }
  std::string last_file;
  for (const auto& r : results) {
    if (r.pass() && options.bench) {
      dirty = true;
      std::fprintf(stdout, "%s\n", bench_text(r).c_str());
    } else if (options.verbose || !r.pass()) {
      if (r.file != last_file) {
        std::fprintf(stdout, "%s%s:\n", last_file.empty() ? "" : "\n", r.file.c_str());
        last_file = r.file;
      }
      dirty = true;
      print_line(r);
      if (!r.output.empty()) {
        std::fputs("\n", stdout);
        std::string output = r.output;
        while (!output.empty() && std::isspace(static_cast<unsigned char>(output.back())) != 0) {
          output.pop_back();
        }
        print_indented(output, "  ");
        std::fputs("\n", stdout);
      }
    }
    if (r.error) {
      std::fprintf(stdout, "  %s\n", rego_error_line(*r.error).c_str());
    }
  }
  if (dirty) {
    std::fputs((std::string(80, '-') + "\n").c_str(), stdout);
  }
  const int total = pass + fail + skip + errors;
  for (const auto& [label, n] : {std::pair{"PASS", pass}, {"FAIL", fail}, {"SKIPPED", skip}, {"ERROR", errors}}) {
    if (n != 0) {
      std::fprintf(stdout, "%s: %d/%d\n", label, n, total);
    }
  }
}

nlohmann::json sub_results_json(const std::vector<rego::SubResult>& results)
{
  auto out = nlohmann::json::object();
  for (const auto& sr : results) {
    nlohmann::json entry = nlohmann::json::object();
    if (sr.fail) {
      entry["fail"] = true;
    }
    if (!sr.children.empty()) {
      entry["sub_results"] = sub_results_json(sr.children);
    }
    out[sr.name] = entry;
  }
  return out;
}

// OPA's JSON report: an array of results (`output` base64, as Go encodes bytes).
nlohmann::json results_json(const std::vector<rego::TestResult>& results)
{
  auto out = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json entry = {
        {"location", {{"file", r.file}, {"row", r.row}, {"col", r.col}}}, {"package", r.package}, {"name", r.name}};
    if (r.fail) {
      entry["fail"] = true;
    }
    if (r.error) {
      entry["error"] = rego::error_json(*r.error)["errors"][0];
    }
    if (r.skip) {
      entry["skip"] = true;
    }
    entry["duration"] = r.duration_ns;
    if (!r.output.empty()) {
      entry["output"] = base64(r.output);
    }
    if (!r.sub_results.empty()) {
      entry["sub_results"] = sub_results_json(r.sub_results);
    }
    if (r.bench_iterations > 0) {
      // Go's testing.BenchmarkResult (no allocation figures here: they stay 0).
      entry["benchmark_result"] = {
          {"N", r.bench_iterations}, {"T", r.duration_ns}, {"Bytes", 0},
          {"MemAllocs", 0},          {"MemBytes", 0},      {"Extra", nlohmann::json::object()}};
    }
    out.push_back(entry);
  }
  return out;
}

int run_test(const TestOptions& options, const Globals& globals)
{
  if (options.format != "pretty" && options.format != "json") {
    usage_error(fmt::format("--format {}: expected pretty or json", options.format));
  }
  if (options.threshold < 0 || options.threshold > 100) {
    usage_error("--threshold: the coverage threshold must be between 0 and 100");
  }
  if (options.coverage && options.bench) {
    std::fputs("coverage reporting is not supported when benchmarking tests\n", stderr);
    return k_load_failed;
  }
  const bool json = globals.json || options.format == "json";
  rego::TestRunOptions run;
  if (!options.run.empty()) {
    try {
      run.run = std::regex(options.run, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      usage_error(fmt::format("--run {}: invalid regular expression: {}", options.run, e.what()));
    }
  }
  run.bench = options.bench;
  run.timeout_ns =
      options.timeout.empty() ? (options.bench ? 30'000'000'000 : 5'000'000'000) : parse_go_duration(options.timeout);
  rego::Coverage coverage;
  const bool with_coverage = options.coverage || options.threshold > 0;
  if (with_coverage) {
    run.coverage = &coverage;
  }

  rego::Engine engine;
  if (auto ok = load_policies(engine, options.paths, options.bundle, true); !ok) {
    print_rego_errors(ok.error(), json);
    return k_load_failed;
  }
  const auto results = rego::run_tests(engine, run);
  const bool all_passed = std::all_of(results.begin(), results.end(), [&](const rego::TestResult& r) {
    return r.pass() || (r.skip && options.exit_zero_on_skipped);
  });

  if (with_coverage) {
    for (const auto& r : results) {
      if (!r.pass() && !r.skip) {
        std::fprintf(stderr, "%s.%s: %s\n", r.package.c_str(), r.name.c_str(),
                     r.error ? rego_error_line(*r.error).c_str() : "FAIL");
        return k_load_failed;
      }
    }
    const auto report = rego::coverage_report(engine, coverage);
    const double total = report["coverage"].get<double>();
    if (total < options.threshold) {
      std::fprintf(stderr, "Code coverage threshold not met: got %.2f instead of %.2f\n", total, options.threshold);
      return k_test_failed;
    }
    std::fprintf(stdout, "%s\n", report.dump(2).c_str());
    return all_passed ? exit_code::k_ok : k_test_failed;
  }
  if (json) {
    std::fprintf(stdout, "%s\n", rego::json_text(results_json(results), 2).c_str());
  } else {
    report_pretty(results, options);
  }
  return all_passed ? exit_code::k_ok : k_test_failed;
}

} // namespace

CLI::App* add_policy_test(CLI::App& app, std::function<int()>& runner, const Globals& globals)
{
  auto options = std::make_shared<TestOptions>();
  CLI::App* test = app.add_subcommand("test", "Run the Rego tests (test_* rules) of policies, like `opa test`");
  test->add_option("paths", options->paths, "Files or folders of .rego, .json and .yaml files (default: policies)")
      ->type_name("PATH");
  test->add_flag("-v,--verbose", options->verbose, "Every test, with what it printed and, when failing, its notes");
  test->add_option("-f,--format", options->format, "pretty (default) or json")->type_name("FORMAT");
  test->add_option("-r,--run", options->run, "Only the tests whose data.pkg.test_name matches REGEX")
      ->type_name("REGEX");
  test->add_flag("-c,--coverage", options->coverage, "Report coverage (OPA's JSON coverage report) instead");
  test->add_option("--threshold", options->threshold, "Fail (exit 2) below this coverage percentage")->type_name("PCT");
  test->add_flag("--bench", options->bench, "Benchmark each test (iterations and ns/op)");
  test->add_option("-t,--timeout", options->timeout, "Per-test time limit, e.g. 5s (default 5s, 30s with --bench)")
      ->type_name("DURATION");
  test->add_flag("-b,--bundle", options->bundle, "Paths are bundles: only data.json and data.yaml files are data");
  test->add_flag("-z,--exit-zero-on-skipped", options->exit_zero_on_skipped, "Skipped (todo_test_) tests exit 0");
  runner = [options, &globals] { return run_test(*options, globals); };
  return test;
}

} // namespace tollgate::cli
