// String built-ins: concatenation, search, case, trimming, splitting, substrings (indexed by
// code point, as OPA does), sprintf (Go's verbs), number formatting and parsing.

#include "rego/builtins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;
using builtin::type_error;

// Code points of a UTF-8 string, as byte offsets (plus the end).
std::vector<std::size_t> rune_offsets(const std::string& s)
{
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < s.size(); i = builtin::utf8_next(s, i)) {
    offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

Value concat(std::span<const Value> a, BuiltinContext&)
{
  const std::string& sep = str("concat", a, 0);
  if (!a[1].is_array() && !a[1].is_set()) {
    type_error("concat", 2, "one of {array, set}", a[1]);
  }
  std::string out;
  bool first = true;
  for (const auto& item : a[1].as_array()) {
    if (!item.is_string()) {
      type_error("concat", 2, "one of {array, set} of strings", a[1]);
    }
    out += first ? "" : sep;
    out += item.as_string();
    first = false;
  }
  return Value::string(std::move(out));
}

Value contains(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(str("contains", a, 0).find(str("contains", a, 1)) != std::string::npos);
}

Value startswith(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(str("startswith", a, 0).starts_with(str("startswith", a, 1)));
}

Value endswith(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(str("endswith", a, 0).ends_with(str("endswith", a, 1)));
}

Value lower(std::span<const Value> a, BuiltinContext&)
{
  std::string s = str("lower", a, 0);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return Value::string(std::move(s));
}

Value upper(std::span<const Value> a, BuiltinContext&)
{
  std::string s = str("upper", a, 0);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
  return Value::string(std::move(s));
}

Value split(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("split", a, 0);
  const std::string& sep = str("split", a, 1);
  Array out;
  if (sep.empty()) {
    const auto offsets = rune_offsets(s);
    for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
      out.push_back(Value::string(s.substr(offsets[i], offsets[i + 1] - offsets[i])));
    }
    return Value::array(std::move(out));
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    if (pos == std::string::npos) {
      out.push_back(Value::string(s.substr(start)));
      break;
    }
    out.push_back(Value::string(s.substr(start, pos - start)));
    start = pos + sep.size();
  }
  return Value::array(std::move(out));
}

bool in_cutset(const std::string& cutset, std::string_view rune)
{
  return cutset.find(rune) != std::string::npos;
}

// Trims code points found in `cutset` from the left and/or right.
std::string trim_runes(const std::string& s, const std::string& cutset, bool left, bool right)
{
  const auto offsets = rune_offsets(s);
  std::size_t begin = 0;
  std::size_t end = offsets.size() - 1;
  while (left && begin < end &&
         in_cutset(cutset, std::string_view(s).substr(offsets[begin], offsets[begin + 1] - offsets[begin]))) {
    ++begin;
  }
  while (right && end > begin &&
         in_cutset(cutset, std::string_view(s).substr(offsets[end - 1], offsets[end] - offsets[end - 1]))) {
    --end;
  }
  return s.substr(offsets[begin], offsets[end] - offsets[begin]);
}

Value trim(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(trim_runes(str("trim", a, 0), str("trim", a, 1), true, true));
}
Value trim_left(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(trim_runes(str("trim_left", a, 0), str("trim_left", a, 1), true, false));
}
Value trim_right(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(trim_runes(str("trim_right", a, 0), str("trim_right", a, 1), false, true));
}
Value trim_space(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(trim_runes(str("trim_space", a, 0), " \t\n\r\v\f", true, true));
}

Value trim_prefix(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("trim_prefix", a, 0);
  const std::string& prefix = str("trim_prefix", a, 1);
  return s.starts_with(prefix) ? Value::string(s.substr(prefix.size())) : a[0];
}

Value trim_suffix(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("trim_suffix", a, 0);
  const std::string& suffix = str("trim_suffix", a, 1);
  return s.ends_with(suffix) ? Value::string(s.substr(0, s.size() - suffix.size())) : a[0];
}

std::string replace_all(const std::string& s, const std::string& old, const std::string& repl, std::int64_t limit)
{
  if (old.empty()) {
    // Go inserts the replacement around every code point.
    const auto offsets = rune_offsets(s);
    std::string out = repl;
    for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
      out += s.substr(offsets[i], offsets[i + 1] - offsets[i]) + repl;
    }
    return out;
  }
  std::string out;
  std::size_t start = 0;
  std::int64_t done = 0;
  while (limit < 0 || done < limit) {
    const std::size_t pos = s.find(old, start);
    if (pos == std::string::npos) {
      break;
    }
    out += s.substr(start, pos - start) + repl;
    start = pos + old.size();
    ++done;
  }
  return out + s.substr(start);
}

Value replace(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(replace_all(str("replace", a, 0), str("replace", a, 1), str("replace", a, 2), -1));
}

Value replace_n(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_object()) {
    type_error("strings.replace_n", 1, "object", a[0]);
  }
  std::string s = str("strings.replace_n", a, 1);
  for (const auto& [k, v] : a[0].as_object()) {
    if (!k.is_string() || !v.is_string()) {
      type_error("strings.replace_n", 1, "object[string: string]", a[0]);
    }
    s = replace_all(s, k.as_string(), v.as_string(), -1);
  }
  return Value::string(std::move(s));
}

Value substring(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("substring", a, 0);
  const std::int64_t start = builtin::integer("substring", a, 1);
  const std::int64_t length = builtin::integer("substring", a, 2);
  if (start < 0) {
    error("substring", "negative offset");
  }
  const auto offsets = rune_offsets(s);
  const auto runes = static_cast<std::int64_t>(offsets.size() - 1);
  if (start >= runes) {
    return Value::string("");
  }
  const std::int64_t end = length < 0 || start + length > runes ? runes : start + length;
  return Value::string(s.substr(offsets[static_cast<std::size_t>(start)],
                                offsets[static_cast<std::size_t>(end)] - offsets[static_cast<std::size_t>(start)]));
}

std::int64_t rune_index(const std::string& s, std::size_t byte)
{
  const auto offsets = rune_offsets(s);
  return static_cast<std::int64_t>(std::lower_bound(offsets.begin(), offsets.end(), byte) - offsets.begin());
}

Value indexof(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("indexof", a, 0);
  const std::string& needle = str("indexof", a, 1);
  const std::size_t pos = s.find(needle);
  return Value::integer(pos == std::string::npos ? -1 : rune_index(s, pos));
}

Value indexof_n(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("indexof_n", a, 0);
  const std::string& needle = str("indexof_n", a, 1);
  Array out;
  if (needle.empty()) {
    return Value::array(std::move(out));
  }
  for (std::size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + 1)) {
    out.push_back(Value::integer(rune_index(s, pos)));
  }
  return Value::array(std::move(out));
}

Value reverse(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("strings.reverse", a, 0);
  const auto offsets = rune_offsets(s);
  std::string out;
  for (std::size_t i = offsets.size() - 1; i > 0; --i) {
    out += s.substr(offsets[i - 1], offsets[i] - offsets[i - 1]);
  }
  return Value::string(std::move(out));
}

std::vector<std::string> strings_of(std::string_view name, std::size_t position, const Value& v)
{
  if (v.is_string()) {
    return {v.as_string()};
  }
  if (!v.is_array() && !v.is_set()) {
    type_error(name, position, "one of {string, array, set}", v);
  }
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) {
    if (!item.is_string()) {
      type_error(name, position, "one of {string, array, set} of strings", v);
    }
    out.push_back(item.as_string());
  }
  return out;
}

Value any_prefix_match(std::span<const Value> a, BuiltinContext&)
{
  for (const auto& s : strings_of("strings.any_prefix_match", 1, a[0])) {
    for (const auto& p : strings_of("strings.any_prefix_match", 2, a[1])) {
      if (s.starts_with(p)) {
        return Value::boolean(true);
      }
    }
  }
  return Value::boolean(false);
}

Value any_suffix_match(std::span<const Value> a, BuiltinContext&)
{
  for (const auto& s : strings_of("strings.any_suffix_match", 1, a[0])) {
    for (const auto& p : strings_of("strings.any_suffix_match", 2, a[1])) {
      if (s.ends_with(p)) {
        return Value::boolean(true);
      }
    }
  }
  return Value::boolean(false);
}

Value format_int(std::span<const Value> a, BuiltinContext&)
{
  const Value& v = builtin::number("format_int", a, 0);
  const std::int64_t base = builtin::integer("format_int", a, 1);
  if (base != 2 && base != 8 && base != 10 && base != 16) {
    throw BuiltinError{"eval_type_error", "format_int: operand 2 must be one of {2, 8, 10, 16}"};
  }
  const double d = std::trunc(v.as_double());
  const std::int64_t i = v.is_int() ? v.as_int() : static_cast<std::int64_t>(d);
  char buffer[80];
  const auto magnitude = static_cast<std::uint64_t>(i < 0 ? -(i + 1) : i) + (i < 0 ? 1U : 0U);
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, magnitude, static_cast<int>(base));
  return Value::string((i < 0 ? "-" : "") + std::string(buffer, result.ptr));
}

Value to_number(std::span<const Value> a, BuiltinContext&)
{
  const Value& v = a[0];
  switch (v.kind()) {
  case Kind::null:
    return Value::integer(0);
  case Kind::boolean:
    return Value::integer(v.as_bool() ? 1 : 0);
  case Kind::number:
    return v;
  case Kind::string: {
    const std::string& s = v.as_string();
    std::int64_t i = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), i);
    if (!s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size()) {
      return Value::integer(i);
    }
    double d = 0;
    const char* begin = s.data() + (s.starts_with("+") ? 1 : 0);
    auto rd = std::from_chars(begin, s.data() + s.size(), d);
    if (s.empty() || rd.ec != std::errc() || rd.ptr != s.data() + s.size() || !std::isfinite(d)) {
      error("to_number", fmt::format("invalid syntax: {}", to_text(v)));
    }
    return Value::number(d);
  }
  default:
    type_error("to_number", 1, "one of {null, boolean, number, string}", v);
  }
}

// One Go verb with its flags, width and precision, applied to `v`.
std::string format_verb(char verb, const std::string& spec, const Value& v)
{
  // The verb is one of a fixed set and `spec` holds only flags, width and precision.
  auto c_format = [&](const char* conversion, auto arg) {
    const std::string pattern = "%" + spec + conversion;
    char buffer[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    const int n = std::snprintf(buffer, sizeof buffer, pattern.c_str(), arg);
#pragma GCC diagnostic pop
    return n < 0 ? std::string() : std::string(buffer, std::min(static_cast<std::size_t>(n), sizeof buffer - 1));
  };
  switch (verb) {
  case 'd':
    if (v.is_big()) {
      return v.as_string();
    }
    if (v.is_int()) {
      return c_format("lld", static_cast<long long>(v.as_int()));
    }
    break;
  case 'f':
  case 'e':
  case 'g':
  case 'E':
  case 'G':
    if (v.is_number()) {
      const char conversion[2] = {verb, '\0'};
      return c_format(conversion, v.as_double());
    }
    break;
  case 'x':
  case 'X':
    if (v.is_int()) {
      return c_format(verb == 'x' ? "llx" : "llX", static_cast<long long>(v.as_int()));
    }
    if (v.is_string()) {
      std::string out;
      for (const char ch : v.as_string()) {
        out += verb == 'x' ? fmt::format("{:02x}", static_cast<unsigned char>(ch))
                           : fmt::format("{:02X}", static_cast<unsigned char>(ch));
      }
      return out;
    }
    break;
  case 'o':
    if (v.is_int()) {
      return c_format("llo", static_cast<long long>(v.as_int()));
    }
    break;
  case 'b':
    if (v.is_int()) {
      return fmt::format("{:b}", v.as_int());
    }
    break;
  case 'q':
    if (v.is_string()) {
      return to_text(v);
    }
    break;
  case 't':
    if (v.is_bool()) {
      return v.as_bool() ? "true" : "false";
    }
    break;
  case 's':
  case 'v':
    return c_format("s", (v.is_string() ? v.as_string() : to_text(v)).c_str());
  default:
    break;
  }
  return fmt::format("%!{}({})", verb, v.is_string() ? v.as_string() : to_text(v));
}

Value sprintf(std::span<const Value> a, BuiltinContext&)
{
  const std::string& format = str("sprintf", a, 0);
  if (!a[1].is_array()) {
    type_error("sprintf", 2, "array", a[1]);
  }
  const auto& args = a[1].as_array();
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    std::size_t j = i + 1;
    while (j < format.size() && std::string_view("+-# 0123456789.").find(format[j]) != std::string_view::npos) {
      ++j;
    }
    if (j >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    const char verb = format[j];
    const std::string spec = format.substr(i + 1, j - i - 1);
    i = j;
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (next >= args.size()) {
      out += fmt::format("%!{}(MISSING)", verb);
      continue;
    }
    out += format_verb(verb, spec, args[next++]);
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t k = next; k < args.size(); ++k) {
      out += (k > next ? ", " : "") + std::string(type_name(args[k])) + "=" + to_text(args[k]);
    }
    out += ")";
  }
  return Value::string(std::move(out));
}

constexpr Builtin k_strings[] = {
    {"concat", 2, &concat},
    {"contains", 2, &contains},
    {"startswith", 2, &startswith},
    {"endswith", 2, &endswith},
    {"lower", 1, &lower},
    {"upper", 1, &upper},
    {"split", 2, &split},
    {"trim", 2, &trim},
    {"trim_left", 2, &trim_left},
    {"trim_right", 2, &trim_right},
    {"trim_space", 1, &trim_space},
    {"trim_prefix", 2, &trim_prefix},
    {"trim_suffix", 2, &trim_suffix},
    {"replace", 3, &replace},
    {"strings.replace_n", 2, &replace_n},
    {"substring", 3, &substring},
    {"indexof", 2, &indexof},
    {"indexof_n", 2, &indexof_n},
    {"strings.reverse", 1, &reverse},
    {"strings.any_prefix_match", 2, &any_prefix_match},
    {"strings.any_suffix_match", 2, &any_suffix_match},
    {"format_int", 2, &format_int},
    {"to_number", 1, &to_number},
    {"sprintf", 2, &sprintf},
};

} // namespace

std::span<const Builtin> builtin::string_builtins()
{
  return k_strings;
}

} // namespace tollgate::rego
