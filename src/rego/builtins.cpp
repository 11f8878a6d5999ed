// The built-in registry, argument helpers, and the core built-ins: operators, arithmetic,
// aggregates and type tests.

#include "rego/builtins.hpp"

#include "rego/decimal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace tollgate::rego {

namespace builtin {

void type_error(std::string_view name, std::size_t position, std::string_view expected, const Value& got)
{
  throw BuiltinError{"eval_type_error",
                     fmt::format("{}: operand {} must be {} but got {}", name, position, expected, type_name(got))};
}

void error(std::string_view name, std::string message)
{
  throw BuiltinError{"eval_builtin_error", fmt::format("{}: {}", name, message)};
}

const std::string& str(std::string_view name, std::span<const Value> args, std::size_t i)
{
  if (!args[i].is_string()) {
    type_error(name, i + 1, "string", args[i]);
  }
  return args[i].as_string();
}

const Value& number(std::string_view name, std::span<const Value> args, std::size_t i)
{
  if (!args[i].is_number()) {
    type_error(name, i + 1, "number", args[i]);
  }
  return args[i];
}

std::int64_t integer(std::string_view name, std::span<const Value> args, std::size_t i)
{
  const Value& v = number(name, args, i);
  if (!v.is_int()) {
    throw BuiltinError{"eval_type_error",
                       fmt::format("{}: operand {} must be integer number but got floating-point number", name, i + 1)};
  }
  return v.as_int();
}

std::size_t utf8_next(const std::string& s, std::size_t i)
{
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned code = 0;
  if (lead < 0x80) {
    return i + 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1FU;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0FU;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07U;
  } else {
    return i + 1;
  }
  if (i + length > s.size()) {
    return i + 1;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return i + 1;
    }
    code = (code << 6) | (byte(i + k) & 0x3FU);
  }
  constexpr unsigned k_min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < k_min[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return i + 1;
  }
  return i + length;
}

namespace {

Decimal decimal_of(const Value& v)
{
  if (v.is_big()) {
    return Decimal::parse(v.as_string()).value_or(Decimal{});
  }
  return v.is_int() ? Decimal::from_int(v.as_int()) : Decimal::from_double(v.as_double());
}

// An exact result as the narrowest number: a 64-bit integer, a double, or decimal text.
Value from_decimal(const Decimal& d)
{
  if (auto i = d.to_int()) {
    return Value::integer(*i);
  }
  const double approx = d.to_double();
  if (!d.is_integer() && std::isfinite(approx)) {
    return Value::number(approx);
  }
  return Value::big_number(d.text());
}

// Exact arithmetic when an operand is beyond a double or the integer result overflows.
bool exact(const Value& a, const Value& b)
{
  return a.is_big() || b.is_big() || (a.is_int() && b.is_int());
}

} // namespace

Value add(const Value& a, const Value& b)
{
  if (a.is_int() && b.is_int()) {
    std::int64_t out = 0;
    if (!__builtin_add_overflow(a.as_int(), b.as_int(), &out)) {
      return Value::integer(out);
    }
  }
  if (exact(a, b)) {
    return from_decimal(rego::add(decimal_of(a), decimal_of(b)));
  }
  return Value::number(a.as_double() + b.as_double());
}

Value subtract(const Value& a, const Value& b)
{
  if (a.is_int() && b.is_int()) {
    std::int64_t out = 0;
    if (!__builtin_sub_overflow(a.as_int(), b.as_int(), &out)) {
      return Value::integer(out);
    }
  }
  if (exact(a, b)) {
    return from_decimal(rego::subtract(decimal_of(a), decimal_of(b)));
  }
  return Value::number(a.as_double() - b.as_double());
}

Value multiply(const Value& a, const Value& b)
{
  if (a.is_int() && b.is_int()) {
    std::int64_t out = 0;
    if (!__builtin_mul_overflow(a.as_int(), b.as_int(), &out)) {
      return Value::integer(out);
    }
  }
  if (exact(a, b)) {
    return from_decimal(rego::multiply(decimal_of(a), decimal_of(b)));
  }
  return Value::number(a.as_double() * b.as_double());
}

} // namespace builtin

namespace {

using builtin::error;
using builtin::number;
using builtin::type_error;

Value compare_op(std::span<const Value> a, int want_sign, bool or_equal)
{
  const int c = compare(a[0], a[1]);
  return Value::boolean(c == want_sign || (or_equal && c == 0));
}

Value equal(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(a[0] == a[1]);
}
Value neq(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(a[0] != a[1]);
}
Value lt(std::span<const Value> a, BuiltinContext&)
{
  return compare_op(a, -1, false);
}
Value lte(std::span<const Value> a, BuiltinContext&)
{
  return compare_op(a, -1, true);
}
Value gt(std::span<const Value> a, BuiltinContext&)
{
  return compare_op(a, 1, false);
}
Value gte(std::span<const Value> a, BuiltinContext&)
{
  return compare_op(a, 1, true);
}

Value plus(std::span<const Value> a, BuiltinContext&)
{
  return builtin::add(number("plus", a, 0), number("plus", a, 1));
}

Value minus(std::span<const Value> a, BuiltinContext&)
{
  if (a[0].is_set() && a[1].is_set()) {
    Members out;
    std::set_difference(a[0].as_set().begin(), a[0].as_set().end(), a[1].as_set().begin(), a[1].as_set().end(),
                        std::back_inserter(out));
    return Value::set(std::move(out));
  }
  if (a[0].is_set() || a[1].is_set()) {
    type_error("minus", a[0].is_set() ? 2 : 1, "set", a[0].is_set() ? a[1] : a[0]);
  }
  return builtin::subtract(number("minus", a, 0), number("minus", a, 1));
}

Value mul(std::span<const Value> a, BuiltinContext&)
{
  return builtin::multiply(number("mul", a, 0), number("mul", a, 1));
}

Value div(std::span<const Value> a, BuiltinContext&)
{
  const Value& x = number("div", a, 0);
  const Value& y = number("div", a, 1);
  if (y.as_double() == 0) {
    error("div", "divide by zero");
  }
  if (x.is_int() && y.is_int() && x.as_int() % y.as_int() == 0) {
    return Value::integer(x.as_int() / y.as_int());
  }
  return Value::number(x.as_double() / y.as_double());
}

Value rem(std::span<const Value> a, BuiltinContext&)
{
  const Value& x = number("rem", a, 0);
  const Value& y = number("rem", a, 1);
  if (!x.is_int() || !y.is_int()) {
    error("rem", "modulo on floating-point number");
  }
  if (y.as_int() == 0) {
    error("rem", "modulo by zero");
  }
  return Value::integer(x.as_int() % y.as_int());
}

const Value& set_arg(std::string_view name, std::span<const Value> a, std::size_t i)
{
  if (!a[i].is_set()) {
    type_error(name, i + 1, "set", a[i]);
  }
  return a[i];
}

Value set_and(std::span<const Value> a, BuiltinContext&)
{
  const auto& x = set_arg("and", a, 0).as_set();
  const auto& y = set_arg("and", a, 1).as_set();
  Members out;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out));
  return Value::set(std::move(out));
}

Value set_or(std::span<const Value> a, BuiltinContext&)
{
  const auto& x = set_arg("or", a, 0).as_set();
  const auto& y = set_arg("or", a, 1).as_set();
  Members out;
  std::set_union(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out));
  return Value::set(std::move(out));
}

Value member(std::span<const Value> a, BuiltinContext&)
{
  const Value& c = a[1];
  switch (c.kind()) {
  case Kind::set:
    return Value::boolean(c.contains(a[0]));
  case Kind::array:
    return Value::boolean(std::find(c.as_array().begin(), c.as_array().end(), a[0]) != c.as_array().end());
  case Kind::object:
    return Value::boolean(std::any_of(c.as_object().begin(), c.as_object().end(),
                                      [&](const auto& entry) { return entry.second == a[0]; }));
  default:
    return Value::boolean(false);
  }
}

Value member3(std::span<const Value> a, BuiltinContext&)
{
  const Value& c = a[2];
  if (c.is_array() || c.is_object()) {
    const Value v = c.get(a[0]);
    return Value::boolean(v.defined() && v == a[1]);
  }
  if (c.is_set()) {
    return Value::boolean(a[0] == a[1] && c.contains(a[0]));
  }
  return Value::boolean(false);
}

std::size_t utf8_length(const std::string& s)
{
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i = builtin::utf8_next(s, i)) {
    ++n;
  }
  return n;
}

Value count(std::span<const Value> a, BuiltinContext&)
{
  const Value& v = a[0];
  switch (v.kind()) {
  case Kind::string:
    return Value::integer(static_cast<std::int64_t>(utf8_length(v.as_string())));
  case Kind::array:
  case Kind::set:
  case Kind::object:
    return Value::integer(static_cast<std::int64_t>(v.size()));
  default:
    type_error("count", 1, "one of {array, object, set, string}", v);
  }
}

const Members& numbers_of(std::string_view name, const Value& v)
{
  if (!v.is_array() && !v.is_set()) {
    type_error(name, 1, "one of {array, set}", v);
  }
  for (const auto& item : v.as_array()) {
    if (!item.is_number()) {
      type_error(name, 1, "one of {array, set} of numbers", v);
    }
  }
  return v.as_array();
}

Value sum(std::span<const Value> a, BuiltinContext&)
{
  Value total = Value::integer(0);
  for (const auto& item : numbers_of("sum", a[0])) {
    total = builtin::add(total, item);
  }
  return total;
}

Value product(std::span<const Value> a, BuiltinContext&)
{
  Value total = Value::integer(1);
  for (const auto& item : numbers_of("product", a[0])) {
    total = builtin::multiply(total, item);
  }
  return total;
}

const Members& collection_of(std::string_view name, const Value& v)
{
  if (!v.is_array() && !v.is_set()) {
    type_error(name, 1, "one of {array, set}", v);
  }
  return v.as_array();
}

Value max(std::span<const Value> a, BuiltinContext&)
{
  const auto& items = collection_of("max", a[0]);
  if (items.empty()) {
    return {};
  }
  return *std::max_element(items.begin(), items.end());
}

Value min(std::span<const Value> a, BuiltinContext&)
{
  const auto& items = collection_of("min", a[0]);
  if (items.empty()) {
    return {};
  }
  return *std::min_element(items.begin(), items.end());
}

Value sort(std::span<const Value> a, BuiltinContext&)
{
  Array items = collection_of("sort", a[0]);
  std::sort(items.begin(), items.end());
  return Value::array(std::move(items));
}

Value all(std::span<const Value> a, BuiltinContext&)
{
  const auto& items = collection_of("all", a[0]);
  return Value::boolean(std::all_of(items.begin(), items.end(), [](const Value& v) { return v.is_true(); }));
}

Value any(std::span<const Value> a, BuiltinContext&)
{
  const auto& items = collection_of("any", a[0]);
  return Value::boolean(std::any_of(items.begin(), items.end(), [](const Value& v) { return v.is_true(); }));
}

template <Kind K> Value is_kind(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(a[0].kind() == K);
}

Value type_name_of(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(std::string(type_name(a[0])));
}

Value abs_of(std::span<const Value> a, BuiltinContext&)
{
  const Value& v = number("abs", a, 0);
  if (v.is_int()) {
    return v.as_int() < 0 ? Value::number(-v.as_double()) : v;
  }
  return Value::number(std::fabs(v.as_double()));
}

template <double (*F)(double)> Value rounding(std::span<const Value> a, BuiltinContext&)
{
  const Value& v = number("round", a, 0);
  return v.is_int() ? v : Value::number(F(v.as_double()));
}

double round_half_away(double d)
{
  return std::round(d);
}
double ceil_of(double d)
{
  return std::ceil(d);
}
double floor_of(double d)
{
  return std::floor(d);
}

constexpr Builtin k_core[] = {
    {"equal", 2, &equal},
    {"neq", 2, &neq},
    {"lt", 2, &lt},
    {"lte", 2, &lte},
    {"gt", 2, &gt},
    {"gte", 2, &gte},
    {"plus", 2, &plus},
    {"minus", 2, &minus},
    {"mul", 2, &mul},
    {"div", 2, &div},
    {"rem", 2, &rem},
    {"and", 2, &set_and},
    {"or", 2, &set_or},
    {"internal.member_2", 2, &member},
    {"internal.member_3", 3, &member3},
    {"count", 1, &count},
    {"sum", 1, &sum},
    {"product", 1, &product},
    {"max", 1, &max},
    {"min", 1, &min},
    {"sort", 1, &sort},
    {"all", 1, &all},
    {"any", 1, &any},
    {"is_number", 1, &is_kind<Kind::number>},
    {"is_string", 1, &is_kind<Kind::string>},
    {"is_boolean", 1, &is_kind<Kind::boolean>},
    {"is_array", 1, &is_kind<Kind::array>},
    {"is_set", 1, &is_kind<Kind::set>},
    {"is_object", 1, &is_kind<Kind::object>},
    {"is_null", 1, &is_kind<Kind::null>},
    {"type_name", 1, &type_name_of},
    {"abs", 1, &abs_of},
    {"round", 1, &rounding<&round_half_away>},
    {"ceil", 1, &rounding<&ceil_of>},
    {"floor", 1, &rounding<&floor_of>},
};

} // namespace

std::span<const Builtin> builtin::core_builtins()
{
  return k_core;
}

std::span<const std::span<const Builtin>> builtin::tables()
{
  static const std::span<const Builtin> k_tables[] = {
      core_builtins(),   string_builtins(), collection_builtins(), encoding_builtins(),
      regex_builtins(),  unit_builtins(),   yaml_builtins(),       time_builtins(),
      json_builtins(),   net_builtins(),    number_builtins(),     text_builtins(),
      crypto_builtins(), jwt_builtins(),    schema_builtins(),     eval_builtins(),
  };
  return k_tables;
}

const Builtin* find_builtin(std::string_view name)
{
  static const auto k_index = [] {
    std::unordered_map<std::string_view, const Builtin*> index;
    for (auto table : builtin::tables()) {
      for (const auto& b : table) {
        index.emplace(b.name, &b);
      }
    }
    return index;
  }();
  auto it = k_index.find(name);
  return it == k_index.end() ? nullptr : it->second;
}

} // namespace tollgate::rego
