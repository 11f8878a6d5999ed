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

std::int64_t parse_timeout(const std::string& text)
{
  const auto ns = rego::parse_go_duration(text);
  if (!ns) {
    usage_error(fmt::format("--timeout {}: expected a duration such as 5s, 500ms or 1m", text));
  }
  return *ns;
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
      options.timeout.empty() ? (options.bench ? 30'000'000'000 : 5'000'000'000) : parse_timeout(options.timeout);
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
                     r.error ? rego::error_line(*r.error).c_str() : "FAIL");
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
    std::fprintf(stdout, "%s\n", rego::json_text(rego::results_json(results), 2).c_str());
  } else {
    rego::print_pretty(stdout, results, {options.verbose, options.bench});
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
