#pragma once
// The scanners behind locate(), one per syntax; internal to src/version_files.

#include "version_files/locate.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::version_files::detail {

// `path:line:col: message` at `offset` of `text`.
Error error_at(std::string_view text, std::size_t offset, const std::string& path, const std::string& message);

// A key path and where its value is: a plain one-line string (`plain`, content span inside its
// quotes, `escaped` when it holds a backslash escape) or anything else.
struct Value {
  std::vector<std::string> key;
  std::size_t value_offset = 0; // the value's first byte (its opening quote for a string)
  std::size_t value_end = 0;
  bool plain = false;
  bool escaped = false;
  std::size_t content_offset = 0;
  std::size_t content_length = 0;
};

// Every `key = value` of a TOML document, keys prefixed with their table's (an array of tables
// adds "[]", which no target matches); an error for what is not TOML.
Result<std::vector<Value>> scan_toml(std::string_view text, const std::string& path);

// The members of a JSON document whose key path is one of `targets`.
Result<std::vector<Value>> scan_json(std::string_view text, const std::string& path,
                                     const std::vector<std::vector<std::string>>& targets);

Result<std::vector<Span>> locate_toml(const Entry& entry, std::string_view text);
Result<std::vector<Span>> locate_json(const Entry& entry, std::string_view text);
Result<std::vector<Span>> locate_setup_cfg(const Entry& entry, std::string_view text);
Result<std::vector<Span>> locate_pattern(const Entry& entry, std::string_view text);

} // namespace tollgate::version_files::detail
