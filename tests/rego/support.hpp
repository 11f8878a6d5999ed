#pragma once
// Helpers for the Rego unit tests (header-only): compile inline modules and evaluate a query.

#include "rego/engine.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace tollgate::test {

struct RegoRun {
  rego::RegoResult<std::vector<rego::QueryRow>> rows = std::vector<rego::QueryRow>{};
  // The value of binding `x` in the only row; undefined when there is no row.
  rego::Value x() const;
  std::string error_code() const { return rows ? std::string() : rows.error().code; }
};

// Compiles `modules` (named m0.rego, m1.rego...) and evaluates `query`; a compile error is returned as
// the rows' error.
inline RegoRun run_rego(const std::vector<std::string>& modules, const std::string& query,
                        const std::string& input_json = "", bool strict = false);

// `x := <expression>` in an empty engine: the value (undefined when undefined or an error).
inline rego::Value rego_value(const std::string& expression, bool strict = false);

// JSON text of a value, for readable comparisons.
inline std::string json_of(const rego::Value& v);

inline rego::Value RegoRun::x() const
{
  if (!rows || rows->size() != 1) {
    return {};
  }
  for (const auto& [name, value] : rows->front().bindings) {
    if (name == "x") {
      return value;
    }
  }
  return {};
}

inline RegoRun run_rego(const std::vector<std::string>& modules, const std::string& query,
                        const std::string& input_json, bool strict)
{
  rego::Engine engine;
  RegoRun run;
  for (std::size_t i = 0; i < modules.size(); ++i) {
    if (auto ok = engine.add_module("m" + std::to_string(i) + ".rego", modules[i]); !ok) {
      run.rows = std::unexpected(ok.error());
      return run;
    }
  }
  if (auto ok = engine.compile(); !ok) {
    run.rows = std::unexpected(ok.error());
    return run;
  }
  rego::EvalOptions options;
  options.strict_builtin_errors = strict;
  if (!input_json.empty()) {
    options.input = rego::from_json(nlohmann::json::parse(input_json));
  }
  run.rows = engine.eval(query, options);
  return run;
}

inline rego::Value rego_value(const std::string& expression, bool strict)
{
  return run_rego({}, "x := " + expression, "", strict).x();
}

inline std::string json_of(const rego::Value& v)
{
  return v.defined() ? rego::to_json(v).dump() : "undefined";
}

} // namespace tollgate::test
