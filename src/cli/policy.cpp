// `tollgate policy eval|test`: evaluate Rego policies in-process, mirroring `opa eval` (output
// shapes; exit 2 for parse/compile errors, 1 for evaluation errors). `policy test` is in
// policy_test.cpp.

#include "cli/common.hpp"
#include "cli/policy_support.hpp"
#include "rego/engine.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

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
};

// Prints `error` (every error it holds) in the requested shape and returns its exit code.
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
    const std::string text = rego::json_text(shown, 2);
    std::fprintf(stdout, "%s\n", text.c_str());
  }
  (void)query;
}

int run_eval(const EvalOptions& options, const Globals& globals)
{
  if (options.format != "json" && options.format != "pretty") {
    usage_error(fmt::format("--format {}: expected json or pretty", options.format));
  }
  const bool json = globals.json || options.format == "json";
  rego::Engine engine;
  if (auto ok = load_policies(engine, options.data, false, false); !ok) {
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
  } else {
    print_pretty(*query, *rows);
  }
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_policy(CLI::App& app, const Globals& globals)
{
  app.require_subcommand(1);
  auto eval = std::make_shared<EvalOptions>();
  CLI::App* eval_app = app.add_subcommand("eval", "Evaluate a Rego query (like `opa eval`)");
  eval_app->add_option("-d,--data", eval->data, "A .rego or .json file, or a folder of them (default: policies)")
      ->type_name("PATH")
      ->allow_extra_args(false); // one path per -d, so the query stays positional
  eval_app->add_option("-i,--input", eval->input, "The input document (JSON)")->type_name("FILE");
  eval_app->add_flag("--strict-builtin-errors", eval->strict, "Built-in errors are errors, not undefined");
  eval_app->add_option("-f,--format", eval->format, "json (default) or pretty")->type_name("FORMAT");
  eval_app->add_option("query", eval->query, "The query, e.g. data.codegen.deny")->required();

  auto run_test = std::make_shared<std::function<int()>>();
  add_policy_test(app, *run_test, globals);

  return [eval_app, eval, run_test, &globals] {
    if (eval_app->parsed()) {
      return run_eval(*eval, globals);
    }
    return (*run_test)();
  };
}

} // namespace tollgate::cli
