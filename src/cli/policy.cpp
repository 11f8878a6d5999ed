// `tollgate policy eval|test`: evaluate Rego policies in-process, mirroring `opa eval` (output
// shapes; exit 2 for parse/compile errors, 1 for evaluation errors). `policy test` is in
// policy_test.cpp.

#include "cli/common.hpp"
#include "cli/policy_support.hpp"
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
    rego::print_rows(stdout, *rows, options.format);
  }
  const bool defined = !rows->empty();
  return (options.fail && !defined) || (options.fail_defined && defined) ? exit_code::k_failed : exit_code::k_ok;
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

  auto run_test = std::make_shared<std::function<int()>>();
  add_policy_test(app, *run_test, globals);

  CLI::App* capabilities_app =
      app.add_subcommand("capabilities", "Print the built-ins this engine implements, in OPA's capabilities JSON");

  return [eval_app, eval, run_test, capabilities_app, &globals] {
    if (eval_app->parsed()) {
      return run_eval(*eval, globals);
    }
    if (capabilities_app->parsed()) {
      fmt::print("{}\n", rego::capabilities().dump(2));
      return exit_code::k_ok;
    }
    return (*run_test)();
  };
}

} // namespace tollgate::cli
