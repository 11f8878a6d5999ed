// units.parse (SI and binary suffixes, "m" is milli) and units.parse_bytes (byte sizes, any case).

#include "rego/builtins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;

struct Quantity {
  std::string digits; // the number as written, without its unit
  std::string unit;
};

// `text` split into a number (digits with at most one point) and the letters after it.
std::optional<Quantity> split_quantity(const std::string& text)
{
  std::string s = text;
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    s = s.substr(1, s.size() - 2);
  }
  std::size_t end = 0;
  bool point = false;
  while (end < s.size() && (std::isdigit(static_cast<unsigned char>(s[end])) != 0 || (s[end] == '.' && !point))) {
    point = point || s[end] == '.';
    ++end;
  }
  if (end == 0 || (end == 1 && s[0] == '.')) {
    return std::nullopt;
  }
  Quantity q{s.substr(0, end), s.substr(end)};
  if (!std::all_of(q.unit.begin(), q.unit.end(),
                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; })) {
    return std::nullopt;
  }
  return q;
}

std::string lower(std::string s)
{
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// `digits` times 10^`exp10` times 2^`exp2`, exact when the result is a whole number.
Value scaled(const std::string& digits, int exp10, int exp2)
{
  const std::size_t point = digits.find('.');
  std::string whole = digits.substr(0, point);
  if (whole.empty()) {
    whole = "0";
  }
  std::string fraction = point == std::string::npos ? "" : digits.substr(point + 1);
  while (!fraction.empty() && fraction.back() == '0') {
    fraction.pop_back();
  }
  if (fraction.empty() && exp10 >= 0) {
    // Exact decimal arithmetic on the digits: append zeros, then double `exp2` times.
    std::string text = whole + std::string(static_cast<std::size_t>(exp10), '0');
    for (int i = 0; i < exp2; ++i) {
      int carry = 0;
      for (auto it = text.rbegin(); it != text.rend(); ++it) {
        const int d = (*it - '0') * 2 + carry;
        *it = static_cast<char>('0' + d % 10);
        carry = d / 10;
      }
      if (carry != 0) {
        text.insert(text.begin(), static_cast<char>('0' + carry));
      }
    }
    text.erase(0, std::min(text.find_first_not_of('0'), text.size() - 1));
    std::int64_t i = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), i);
    return result.ec == std::errc() ? Value::integer(i) : Value::big_integer(text);
  }
  const double value = std::strtod(digits.c_str(), nullptr) * std::pow(10.0, exp10) * std::ldexp(1.0, exp2);
  return Value::number(value);
}

Value parse_bytes(std::span<const Value> a, BuiltinContext&)
{
  const std::string& text = str("units.parse_bytes", a, 0);
  const auto q = split_quantity(text);
  if (!q) {
    error("units.parse_bytes", fmt::format("could not parse byte amount {}", to_text(a[0])));
  }
  const std::string unit = lower(q->unit);
  static const char* const k_prefixes = "kmgtpe";
  int exp10 = 0;
  int exp2 = 0;
  if (!unit.empty() && unit != "b") {
    const std::size_t index = std::string_view(k_prefixes).find(unit[0]);
    const std::string rest = unit.substr(1);
    if (index == std::string_view::npos || (rest != "" && rest != "b" && rest != "i" && rest != "ib")) {
      error("units.parse_bytes", fmt::format("byte unit {} not recognized", to_text(Value::string(q->unit))));
    }
    const int power = static_cast<int>(index) + 1;
    if (rest.starts_with("i")) {
      exp2 = 10 * power;
    } else {
      exp10 = 3 * power;
    }
  }
  Value v = scaled(q->digits, exp10, exp2);
  if (!v.is_int() && !v.is_big()) {
    v = Value::number(std::trunc(v.as_double()));
  }
  return v;
}

Value parse_units(std::span<const Value> a, BuiltinContext&)
{
  const std::string& text = str("units.parse", a, 0);
  const auto q = split_quantity(text);
  if (!q) {
    error("units.parse", fmt::format("could not parse amount {}", to_text(a[0])));
  }
  int exp10 = 0;
  int exp2 = 0;
  const std::string& unit = q->unit;
  static const char* const k_si = "kKMgGtTpPeE"; // lowercase `m` is milli, handled above
  if (unit.empty()) {
  } else if (unit == "m") {
    exp10 = -3;
  } else if (unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I') &&
             std::string_view("kmgtpe").find(static_cast<char>(std::tolower(unit[0]))) != std::string_view::npos) {
    exp2 = 10 * (static_cast<int>(std::string_view("kmgtpe").find(static_cast<char>(std::tolower(unit[0])))) + 1);
  } else if (unit.size() == 1 && std::string_view(k_si).find(unit[0]) != std::string_view::npos) {
    exp10 = 3 * (static_cast<int>(std::string_view("kmgtpe").find(static_cast<char>(std::tolower(unit[0])))) + 1);
  } else {
    error("units.parse", fmt::format("unit {} not recognized", to_text(Value::string(unit))));
  }
  return scaled(q->digits, exp10, exp2);
}

constexpr Builtin k_units[] = {
    {"units.parse_bytes", 1, &parse_bytes},
    {"units.parse", 1, &parse_units},
};

} // namespace

std::span<const Builtin> builtin::unit_builtins()
{
  return k_units;
}

} // namespace tollgate::rego
