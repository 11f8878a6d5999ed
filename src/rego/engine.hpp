#pragma once
// The engine's front door, shared by `tollgate policy eval|test`, the `policies` check and the
// conformance runner: load modules and data, compile once, evaluate queries, and render results
// and errors in OPA's JSON shapes.

#include "rego/compiler.hpp"
#include "rego/eval.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tollgate::rego {

class Engine {
public:
  RegoResult<void> add_module(std::string file, std::string source);
  // Merges `document` (an object) into the base document at `path`.
  RegoResult<void> add_data(const Value& document, const std::vector<std::string>& path = {});
  // A `.rego`, `.json` or `.yaml` file, or a folder of them (recursively; data under a/b/ lands at
  // data.a.b). With `bundle`, only files named data.json or data.yaml are data (bundle layout).
  RegoResult<void> load(const std::filesystem::path& path, bool bundle = false);
  // Renames the second and later definitions of a test rule `test_x` of a package `test_x#01`,
  // `test_x#02`... so each runs on its own (as `opa test` does); call before compile().
  void rename_duplicate_tests() { m_compiler.rename_duplicate_tests(); }
  RegoResult<void> compile();

  RegoResult<Query> prepare(const std::string& query) const;
  RegoResult<std::vector<QueryRow>> eval(const Query& query, const EvalOptions& options) const;
  RegoResult<std::vector<QueryRow>> eval(const std::string& query, const EvalOptions& options) const;

  const Compiler& compiler() const { return m_compiler; }
  const Value& data() const { return m_data; }

private:
  RegoResult<void> load_file(const std::filesystem::path& file, const std::vector<std::string>& data_path);

  Compiler m_compiler;
  Value m_data = Value::object({});
};

// `{"result": [{"expressions": [{"value": ..., "text": ...}], "bindings": {...}}]}`, or `{}` when undefined.
nlohmann::json result_json(const Query& query, const std::vector<QueryRow>& rows);
// `{"errors": [{"code": ..., "message": ..., "location": {"file": ..., "row": ..., "col": ...}}]}`.
nlohmann::json error_json(const RegoError& error);

} // namespace tollgate::rego
