// `tollgate policy eval|test`: evaluate Rego policies in-process, mirroring `opa eval` and
// `opa test -v` (output shapes and exit codes: 2 for parse/compile errors, 1 for evaluation
// errors or failing tests).

#include "cli/common.hpp"
#include "rego/capabilities.hpp"
#include "rego/engine.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace tollgate::cli {

namespace {

struct EvalOptions {
  std::vector<std::string> data;
  std::string input;
  bool strict = false;
  std::string format = "json";
  std::string query;
  bool fail = false;         // exit 1 when the result is undefined (no row), as `opa eval --fail`
  bool fail_defined = false; // exit 1 when it is defined (a row or more), as `opa eval --fail-defined`
};

struct TestOptions {
  std::vector<std::string> paths;
};

// Loads every -d path (default `policies`) and compiles; errors are returned, not thrown.
rego::RegoResult<void> load(rego::Engine& engine, const std::vector<std::string>& paths)
{
  const std::vector<std::string> defaults{"policies"};
  for (const auto& path : paths.empty() ? defaults : paths) {
    if (auto ok = engine.load(path); !ok) {
      return ok;
    }
  }
  return engine.compile();
}

// Prints `error` in the requested shape and returns its exit code.
int report(const rego::RegoError& error, bool json)
{
  const int code = error.is_compile_error() ? exit_code::k_usage : exit_code::k_failed;
  if (json) {
    print_json(rego::error_json(error));
  } else {
    std::fprintf(stderr, "tollgate: error: %s\n", error.str().c_str());
  }
  return code;
}

rego::Value read_input(const std::string& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    usage_error(fmt::format("-i {}: cannot read the file", file));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded()) {
    usage_error(fmt::format("-i {}: not valid JSON", file));
  }
  return rego::from_json(json);
}

void print_pretty(const rego::Query& query, const std::vector<rego::QueryRow>& rows)
{
  if (rows.empty()) {
    std::fputs("undefined\n", stdout);
    return;
  }
  for (const auto& row : rows) {
    nlohmann::json shown;
    if (row.bindings.empty()) {
      shown = row.expressions.size() == 1 ? rego::to_json(row.expressions.front()) : nlohmann::json::array();
      if (row.expressions.size() != 1) {
        for (const auto& value : row.expressions) {
          shown.push_back(rego::to_json(value));
        }
      }
    } else {
      shown = nlohmann::json::object();
      for (const auto& [name, value] : row.bindings) {
        shown[name] = rego::to_json(value);
      }
    }
    const std::string text = shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fprintf(stdout, "%s\n", text.c_str());
  }
  (void)query;
}

// `opa eval --format raw`: per row, the expressions' values separated by spaces, strings as they are.
void print_raw(const std::vector<rego::QueryRow>& rows)
{
  for (const auto& row : rows) {
    std::string line;
    for (const auto& value : row.expressions) {
      const nlohmann::json json = rego::to_json(value);
      line += (line.empty() ? "" : " ") + (json.is_string()
                                               ? json.get<std::string>()
                                               : json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    std::fprintf(stdout, "%s\n", line.c_str());
  }
}

// `opa eval --format values|bindings`: per row, one indented JSON document (the array of the
// expressions' values, or the object of the variables' bindings).
void print_rows(const std::vector<rego::QueryRow>& rows, bool bindings)
{
  for (const auto& row : rows) {
    nlohmann::json shown = bindings ? nlohmann::json::object() : nlohmann::json::array();
    if (bindings) {
      for (const auto& [name, value] : row.bindings) {
        shown[name] = rego::to_json(value);
      }
    } else {
      for (const auto& value : row.expressions) {
        shown.push_back(rego::to_json(value));
      }
    }
    const std::string text = shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fprintf(stdout, "%s\n", text.c_str());
  }
}

int run_eval(const EvalOptions& options, const Globals& globals)
{
  const std::vector<std::string> formats{"json", "pretty", "raw", "values", "bindings"};
  if (std::find(formats.begin(), formats.end(), options.format) == formats.end()) {
    usage_error(fmt::format("--format {}: expected json, pretty, raw, values or bindings", options.format));
  }
  if (options.fail && options.fail_defined) {
    usage_error("specify --fail or --fail-defined but not both");
  }
  const bool json = globals.json || options.format == "json";
  rego::Engine engine;
  if (auto ok = load(engine, options.data); !ok) {
    return report(ok.error(), json);
  }
  auto query = engine.prepare(options.query);
  if (!query) {
    return report(query.error(), json);
  }
  rego::EvalOptions eval;
  eval.strict_builtin_errors = options.strict;
  if (!options.input.empty()) {
    eval.input = read_input(options.input);
  }
  auto rows = engine.eval(*query, eval);
  if (!rows) {
    return report(rows.error(), json);
  }
  if (json) {
    print_json(rego::result_json(*query, *rows));
  } else if (options.format == "raw") {
    print_raw(*rows);
  } else if (options.format == "values" || options.format == "bindings") {
    print_rows(*rows, options.format == "bindings");
  } else {
    print_pretty(*query, *rows);
  }
  const bool defined = !rows->empty();
  return (options.fail && !defined) || (options.fail_defined && defined) ? exit_code::k_failed : exit_code::k_ok;
}

struct TestCase {
  std::string file;
  std::string name; // data.pkg.test_x
  bool pass = false;
  std::string error;
  double ms = 0;
};

int run_test(const TestOptions& options, const Globals& globals)
{
  rego::Engine engine;
  if (auto ok = load(engine, options.paths); !ok) {
    return report(ok.error(), globals.json);
  }
  std::vector<TestCase> cases;
  for (const auto& module : engine.compiler().modules()) {
    if (!module->file.ends_with("_test.rego")) {
      continue;
    }
    std::string package = "data";
    for (const auto& part : module->package) {
      package += "." + part;
    }
    for (const auto& rule : module->rules) {
      if (rule->head_ref.size() != 1 || rule->kind != rego::RuleKind::complete) {
        continue;
      }
      const std::string& name = rule->head_ref.front()->value.as_string();
      const std::string full = package + "." + name;
      const bool seen = std::any_of(cases.begin(), cases.end(), [&](const TestCase& c) { return c.name == full; });
      if (!name.starts_with("test_") || seen) {
        continue;
      }
      TestCase test{module->file, full, false, {}, 0};
      const auto start = std::chrono::steady_clock::now();
      auto rows = engine.eval(full, {});
      test.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (!rows) {
        test.error = rows.error().str();
      } else {
        test.pass = !rows->empty() && !rows->front().expressions.front().is_false();
      }
      cases.push_back(std::move(test));
    }
  }
  const auto passed = std::count_if(cases.begin(), cases.end(), [](const TestCase& c) { return c.pass; });
  const auto failed = static_cast<long>(cases.size()) - passed;
  if (globals.json) {
    auto tests = nlohmann::json::array();
    for (const auto& c : cases) {
      nlohmann::json entry = {{"file", c.file}, {"name", c.name}, {"pass", c.pass}, {"duration_ms", c.ms}};
      if (!c.error.empty()) {
        entry["error"] = c.error;
      }
      tests.push_back(entry);
    }
    print_json({{"tests", tests}, {"passed", passed}, {"failed", failed}});
  } else {
    std::string file;
    for (const auto& c : cases) {
      if (c.file != file) {
        file = c.file;
        std::fprintf(stdout, "%s%s:\n", &c == &cases.front() ? "" : "\n", file.c_str());
      }
      std::fprintf(stdout, "%s: %s (%.3fms)\n", c.name.c_str(), c.pass ? "PASS" : (c.error.empty() ? "FAIL" : "ERROR"),
                   c.ms);
      if (!c.error.empty()) {
        std::fprintf(stdout, "  %s\n", c.error.c_str());
      }
    }
    std::fprintf(stdout, "%s%ld passed, %ld failed\n", cases.empty() ? "" : "\n", static_cast<long>(passed), failed);
  }
  return failed == 0 ? exit_code::k_ok : exit_code::k_failed;
}

} // namespace

std::function<int()> setup_policy(CLI::App& app, const Globals& globals)
{
  app.require_subcommand(1);
  auto eval = std::make_shared<EvalOptions>();
  CLI::App* eval_app = app.add_subcommand("eval", "Evaluate a Rego query (like `opa eval`)");
  eval_app->add_option("-d,--data", eval->data, "A .rego or .json file, or a folder of them (default: policies)")
      ->type_name("PATH")
      ->check(CLI::ExistingPath)
      ->allow_extra_args(false); // one path per -d, so the query stays positional
  eval_app->add_option("-i,--input", eval->input, "The input document (JSON)")
      ->type_name("FILE")
      ->check(CLI::ExistingFile);
  eval_app->add_flag("--strict-builtin-errors", eval->strict, "Built-in errors are errors, not undefined");
  eval_app->add_option("-f,--format", eval->format, "json (default), pretty, raw, values or bindings")
      ->type_name("FORMAT:{json,pretty,raw,values,bindings}");
  eval_app->add_flag("--fail", eval->fail, "Exit 1 when the result is undefined (empty), as opa eval --fail");
  eval_app->add_flag("--fail-defined", eval->fail_defined,
                     "Exit 1 when the result is defined (non-empty), as opa eval --fail-defined");
  eval_app->add_option("query", eval->query, "The query, e.g. data.codegen.deny")->required();

  auto test = std::make_shared<TestOptions>();
  CLI::App* test_app = app.add_subcommand("test", "Run the test_* rules of *_test.rego files (like `opa test -v`)");
  test_app->add_option("paths", test->paths, "Files or folders (default: policies)")->type_name("PATH");

  CLI::App* capabilities_app =
      app.add_subcommand("capabilities", "Print the built-ins this engine implements, in OPA's capabilities JSON");

  return [&app, eval_app, eval, test, capabilities_app, &globals] {
    if (eval_app->parsed()) {
      return run_eval(*eval, globals);
    }
    if (capabilities_app->parsed()) {
      fmt::print("{}\n", rego::capabilities().dump(2));
      return exit_code::k_ok;
    }
    (void)app;
    return run_test(*test, globals);
  };
}

} // namespace tollgate::cli
