#pragma once
// Errors of the Rego engine, with OPA's codes (`rego_parse_error`, `rego_unsafe_var_error`,
// `eval_conflict_error`, `eval_type_error`, `eval_builtin_error`, ...).

#include <expected>
#include <string>
#include <vector>

namespace tollgate::rego {

struct RegoError {
  std::string code;
  std::string message;
  std::string file; // empty when unknown
  int row = 0;
  int col = 0;
  std::string detail; // optional: the source line and a caret
  // Further errors of the same run: every parse and compile error is reported, as OPA does.
  std::vector<RegoError> more = {};

  // `file:row:col: message` (then the detail lines), one block per error, as printed to users.
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
    for (const auto& other : more) {
      out += "\n" + other.str();
    }
    return out;
  }
  std::size_t count() const { return 1 + more.size(); }
  bool is_compile_error() const { return code.starts_with("rego_"); }
};

// `errors` (at least one) as one error: the first, the others in `more`.
inline RegoError combine_errors(std::vector<RegoError> errors)
{
  RegoError first = std::move(errors.front());
  for (std::size_t i = 1; i < errors.size(); ++i) {
    std::vector<RegoError> nested = std::move(errors[i].more);
    errors[i].more.clear();
    first.more.push_back(std::move(errors[i]));
    for (auto& inner : nested) {
      first.more.push_back(std::move(inner));
    }
  }
  return first;
}

template <class T> using RegoResult = std::expected<T, RegoError>;

inline std::unexpected<RegoError> rego_fail(std::string code, std::string message, std::string file = {}, int row = 0,
                                            int col = 0)
{
  return std::unexpected<RegoError>(RegoError{std::move(code), std::move(message), std::move(file), row, col, {}});
}

} // namespace tollgate::rego
