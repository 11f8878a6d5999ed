#include "rego/engine.hpp"

#include "rego/value.hpp"

namespace tollgate::rego {

namespace {

void print_pretty(std::FILE* out, const std::vector<QueryRow>& rows)
{
  if (rows.empty()) {
    std::fputs("undefined\n", out);
    return;
  }
  for (const auto& row : rows) {
    nlohmann::json shown;
    if (row.bindings.empty()) {
      shown = row.expressions.size() == 1 ? to_json(row.expressions.front()) : nlohmann::json::array();
      if (row.expressions.size() != 1) {
        for (const auto& value : row.expressions) {
          shown.push_back(to_json(value));
        }
      }
    } else {
      shown = nlohmann::json::object();
      for (const auto& [name, value] : row.bindings) {
        shown[name] = to_json(value);
      }
    }
    const std::string text = json_text(shown, 2);
    std::fprintf(out, "%s\n", text.c_str());
  }
}

// `opa eval --format raw`: per row, the expressions' values separated by spaces, strings as they are.
void print_raw(std::FILE* out, const std::vector<QueryRow>& rows)
{
  for (const auto& row : rows) {
    std::string line;
    for (const auto& value : row.expressions) {
      const nlohmann::json json = to_json(value);
      const std::string text = json_text(json, -1); // a big number's marker string comes out bare
      line += (line.empty() ? "" : " ") + (json.is_string() && text.starts_with('"') ? json.get<std::string>() : text);
    }
    std::fprintf(out, "%s\n", line.c_str());
  }
}

// `opa eval --format values|bindings`: per row, one indented JSON document (the array of the
// expressions' values, or the object of the variables' bindings).
void print_documents(std::FILE* out, const std::vector<QueryRow>& rows, bool bindings)
{
  for (const auto& row : rows) {
    nlohmann::json shown = bindings ? nlohmann::json::object() : nlohmann::json::array();
    if (bindings) {
      for (const auto& [name, value] : row.bindings) {
        shown[name] = to_json(value);
      }
    } else {
      for (const auto& value : row.expressions) {
        shown.push_back(to_json(value));
      }
    }
    const std::string text = json_text(shown, 2);
    std::fprintf(out, "%s\n", text.c_str());
  }
}

} // namespace

void print_rows(std::FILE* out, const std::vector<QueryRow>& rows, std::string_view format)
{
  if (format == "raw") {
    print_raw(out, rows);
  } else if (format == "values" || format == "bindings") {
    print_documents(out, rows, format == "bindings");
  } else {
    print_pretty(out, rows);
  }
}

} // namespace tollgate::rego
