#pragma once
// The Rego engine's front door, the one header of src/rego/ that code outside it includes (the
// layer test refuses any other): load modules and data, compile once, evaluate queries, run tests
// as `opa test` does, and render results, errors and capabilities in OPA's JSON shapes. Used by
// `tollgate policy eval|test|capabilities`, the `policies` check and the conformance runner. The
// values (value.hpp) and errors (error.hpp) are part of it; the lexer, parser, compiler and
// evaluator are not.

#include "rego/error.hpp"
#include "rego/value.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tollgate::rego {

struct CompiledQuery; // compiler.hpp

// The lines evaluation reached, by file (`policy test --coverage`): expressions evaluated, and
// rule heads whose rule produced a value (as OPA's coverage tracer counts them).
struct Coverage {
  std::map<std::string, std::set<int>, std::less<>> hits;
};

struct EvalOptions {
  Value input; // undefined when there is no input
  bool strict_builtin_errors = false;
  std::int64_t now_ns = 0; // 0: the clock at the start of the query
  // `print` output, one line a call (empty: standard error, as `opa eval` does).
  std::function<void(std::string_view)> print;
  std::vector<std::string>* notes = nullptr; // receives `trace` notes
  Value runtime;                             // `opa.runtime()` (undefined: an object with `env`)
  // Evaluation stops with an error once the steady clock passes this point (0: no limit).
  std::int64_t deadline_ns = 0;
  Coverage* coverage = nullptr; // receives the lines reached
};

struct QueryRow {
  std::vector<Value> expressions;                      // in the order written
  std::vector<std::pair<std::string, Value>> bindings; // sorted by name
};

// A query parsed and compiled against an engine's rules (Engine::prepare), evaluated any number of
// times; it keeps what it needs alive on its own.
class Query {
public:
  explicit Query(std::shared_ptr<const CompiledQuery> compiled) : m_compiled(std::move(compiled)) {}
  const CompiledQuery& compiled() const { return *m_compiled; }

private:
  std::shared_ptr<const CompiledQuery> m_compiled;
};

class Engine {
public:
  Engine();
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  RegoResult<void> add_module(std::string file, std::string source);
  // Merges `document` (an object) into the base document at `path`.
  RegoResult<void> add_data(const Value& document, const std::vector<std::string>& path = {});
  // A `.rego`, `.json` or `.yaml` file, or a folder of them (recursively; data under a/b/ lands at
  // data.a.b). With `bundle`, only files named data.json or data.yaml are data (bundle layout).
  RegoResult<void> load(const std::filesystem::path& path, bool bundle = false);
  // Renames the second and later definitions of a test rule `test_x` of a package `test_x#01`,
  // `test_x#02`... so each runs on its own (as `opa test` does); call before compile().
  void rename_duplicate_tests();
  RegoResult<void> compile();

  RegoResult<Query> prepare(const std::string& query) const;
  RegoResult<std::vector<QueryRow>> eval(const Query& query, const EvalOptions& options) const;
  RegoResult<std::vector<QueryRow>> eval(const std::string& query, const EvalOptions& options) const;

  // The packages of the loaded modules (`{"policy", "sandbox"}`), each once, sorted.
  std::set<std::vector<std::string>> packages() const;
  // Whether rules (or a default) define `data.<path>` after compile().
  bool defines(const std::vector<std::string>& path) const;
  const Value& data() const;

  // What src/rego/ itself reaches (engine_internals.hpp): the compiler and the base document.
  struct Internals;
  const Internals& internals() const { return *m_internals; }

private:
  RegoResult<void> load_file(const std::filesystem::path& file, const std::vector<std::string>& data_path);

  std::unique_ptr<Internals> m_internals;
};

// `{"result": [{"expressions": [{"value": ..., "text": ...}], "bindings": {...}}]}`, or `{}` when undefined.
nlohmann::json result_json(const Query& query, const std::vector<QueryRow>& rows);
// `{"errors": [{"code": ..., "message": ..., "location": {"file": ..., "row": ..., "col": ...}}]}`.
nlohmann::json error_json(const RegoError& error);

// ---- Tests as `opa test` runs them (tester.cpp) ----
// Every rule named `test_*` (in any package, any file) is a test, `todo_test_*` ones are skipped,
// a second definition of a name runs on its own as `test_x#01`; a test passes when it evaluates to
// `true`, and a test with variables in its name (`test_x[name]`) reports each key as a sub-result.
// Modules and files by name, rules as written.

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
nlohmann::json coverage_report(const Engine& engine, const Coverage& coverage);

// ---- What `opa eval` and `opa test` print (eval_report.cpp, test_report.cpp) ----

// The rows on `out` as `format` (raw, values, bindings; anything else: pretty) shows them: pretty
// is `undefined` without a row, else per row the one value, the values or the bindings, indented JSON.
void print_rows(std::FILE* out, const std::vector<QueryRow>& rows, std::string_view format);

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

// ---- Capabilities (capabilities.cpp) ----
// The capabilities document of this engine in OPA's format (`opa capabilities`), generated from the
// built-in registration tables so that it lists exactly what is implemented:
// {"builtins": [{"name", "decl", "infix"?}...], "future_keywords", "features", "allow_net": []}.
nlohmann::json capabilities();

// The OPA type declaration of built-in `name` ({"type": "function", "args", "result"}), if known.
std::optional<nlohmann::json> builtin_declaration(std::string_view name);

} // namespace tollgate::rego
