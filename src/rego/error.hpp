#pragma once
// Errors of the Rego engine, with OPA's codes (`rego_parse_error`, `rego_unsafe_var_error`,
// `eval_conflict_error`, `eval_type_error`, `eval_builtin_error`, ...).

#include <expected>
#include <string>

namespace tollgate::rego {

struct RegoError {
  std::string code;
  std::string message;
  std::string file; // empty when unknown
  int row = 0;
  int col = 0;
  std::string detail; // optional: the source line and a caret

  // `file:row:col: message` (then the detail lines), as printed to users.
  std::string str() const
  {
    std::string out;
    if (!file.empty()) {
      out = file + ":" + std::to_string(row) + ":" + std::to_string(col) + ": ";
    }
    out += message;
    if (!detail.empty()) {
      out += "\n" + detail;
    }
    return out;
  }
  bool is_compile_error() const { return code.starts_with("rego_"); }
};

template <class T> using RegoResult = std::expected<T, RegoError>;

inline std::unexpected<RegoError> rego_fail(std::string code, std::string message, std::string file = {}, int row = 0,
                                            int col = 0)
{
  return std::unexpected<RegoError>(RegoError{std::move(code), std::move(message), std::move(file), row, col, {}});
}

} // namespace tollgate::rego
