// bits.*, numbers.range_step, graph.reachable, graph.reachable_paths and the deprecated set_diff.

#include "rego/builtins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <iterator>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::integer;
using builtin::type_error;
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// An exact integer: 64-bit when it fits, else its decimal digits.
Value wide_integer(Int128 v)
{
  if (v >= INT64_MIN && v <= INT64_MAX) {
    return Value::integer(static_cast<std::int64_t>(v));
  }
  const bool negative = v < 0;
  UInt128 u = negative ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
  std::string digits;
  while (u > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return Value::big_integer((negative ? "-" : "") + digits);
}

Value bits_or(std::span<const Value> a, BuiltinContext&)
{
  return Value::integer(integer("bits.or", a, 0) | integer("bits.or", a, 1));
}

Value bits_and(std::span<const Value> a, BuiltinContext&)
{
  return Value::integer(integer("bits.and", a, 0) & integer("bits.and", a, 1));
}

Value bits_xor(std::span<const Value> a, BuiltinContext&)
{
  return Value::integer(integer("bits.xor", a, 0) ^ integer("bits.xor", a, 1));
}

Value bits_negate(std::span<const Value> a, BuiltinContext&)
{
  return Value::integer(~integer("bits.negate", a, 0));
}

std::int64_t shift_amount(std::string_view name, std::span<const Value> a)
{
  const std::int64_t s = integer(name, a, 1);
  if (s < 0) {
    throw BuiltinError{
        "eval_type_error",
        fmt::format("{}: operand 2 must be an unsigned integer number but got a negative integer", name)};
  }
  return s;
}

Value bits_lsh(std::span<const Value> a, BuiltinContext&)
{
  const std::int64_t x = integer("bits.lsh", a, 0);
  const std::int64_t s = shift_amount("bits.lsh", a);
  if (x == 0) {
    return Value::integer(0);
  }
  if (s < 62) {
    return wide_integer(static_cast<Int128>(x) * (static_cast<Int128>(1) << s));
  }
  // Beyond 128 bits: exact decimal doubling.
  Value out = wide_integer(static_cast<Int128>(x) << 62);
  std::string digits = out.is_big() ? to_text(out) : std::to_string(out.as_int());
  const bool negative = digits.front() == '-';
  if (negative) {
    digits.erase(0, 1);
  }
  if (s > 100000) {
    error("bits.lsh", "shift too large");
  }
  for (std::int64_t i = 62; i < s; ++i) {
    int carry = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      const int d = (*it - '0') * 2 + carry;
      *it = static_cast<char>('0' + d % 10);
      carry = d / 10;
    }
    if (carry != 0) {
      digits.insert(digits.begin(), static_cast<char>('0' + carry));
    }
  }
  return Value::big_integer((negative ? "-" : "") + digits);
}

Value bits_rsh(std::span<const Value> a, BuiltinContext&)
{
  const std::int64_t x = integer("bits.rsh", a, 0);
  const std::int64_t s = shift_amount("bits.rsh", a);
  if (s >= 63) {
    return Value::integer(x < 0 ? -1 : 0);
  }
  return Value::integer(x >> s); // arithmetic: rounds toward negative infinity, as big.Int.Rsh
}

Value range_step(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "numbers.range_step";
  const std::int64_t from = integer(k_name, a, 0);
  const std::int64_t to = integer(k_name, a, 1);
  const std::int64_t step = integer(k_name, a, 2);
  if (step <= 0) {
    error(k_name, "step must be a positive integer");
  }
  Array out;
  if (from <= to) {
    for (Int128 i = from; i <= to; i += step) {
      out.push_back(Value::integer(static_cast<std::int64_t>(i)));
    }
  } else {
    for (Int128 i = from; i >= to; i -= step) {
      out.push_back(Value::integer(static_cast<std::int64_t>(i)));
    }
  }
  return Value::array(std::move(out));
}

Value set_diff(std::span<const Value> a, BuiltinContext&)
{
  for (std::size_t i = 0; i < 2; ++i) {
    if (!a[i].is_set()) {
      type_error("set_diff", i + 1, "set", a[i]);
    }
  }
  Members out;
  std::set_difference(a[0].as_set().begin(), a[0].as_set().end(), a[1].as_set().begin(), a[1].as_set().end(),
                      std::back_inserter(out));
  return Value::set(std::move(out));
}

const Members* vertices(const Value& v)
{
  return v.is_array() || v.is_set() ? &v.as_array() : nullptr;
}

void check_graph(std::string_view name, std::span<const Value> a)
{
  if (!a[0].is_object()) {
    type_error(name, 1, "object", a[0]);
  }
  if (!vertices(a[1])) {
    type_error(name, 2, "{array, set}", a[1]);
  }
}

Value reachable(std::span<const Value> a, BuiltinContext&)
{
  check_graph("graph.reachable", a);
  std::deque<Value> queue(a[1].as_array().begin(), a[1].as_array().end());
  Members reached;
  const auto is_reached = [&](const Value& v) { return std::find(reached.begin(), reached.end(), v) != reached.end(); };
  while (!queue.empty()) {
    const Value node = queue.front();
    queue.pop_front();
    const Value edges = a[0].get(node);
    if (!edges.defined()) {
      continue;
    }
    if (const Members* next = vertices(edges)) {
      for (const Value& neighbor : *next) {
        if (!is_reached(neighbor)) {
          queue.push_back(neighbor);
        }
      }
    }
    if (!is_reached(node)) {
      reached.push_back(node);
    }
  }
  return Value::set(std::move(reached));
}

void paths_from(const Value& graph, const Value& root, Array path, SetBuilder& out, Members reached)
{
  const Value edges = graph.get(root);
  if (!edges.defined()) {
    out.add(Value::array(std::move(path)));
    return;
  }
  path.push_back(root);
  const Members* next = vertices(edges);
  if (next == nullptr || next->empty()) {
    out.add(Value::array(std::move(path)));
    return;
  }
  reached.push_back(root);
  for (const Value& neighbor : *next) {
    if (std::find(reached.begin(), reached.end(), neighbor) != reached.end()) {
      out.add(Value::array(path));
    } else {
      paths_from(graph, neighbor, path, out, reached);
    }
  }
}

Value reachable_paths(std::span<const Value> a, BuiltinContext&)
{
  check_graph("graph.reachable_paths", a);
  SetBuilder out;
  for (const Value& node : a[1].as_array()) {
    const Value edges = a[0].get(node);
    if (!edges.defined()) {
      continue;
    }
    const Members* next = vertices(edges);
    if (next == nullptr || next->empty()) {
      out.add(Value::array({node}));
      continue;
    }
    for (const Value& neighbor : *next) {
      paths_from(a[0], neighbor, {node}, out, {node});
    }
  }
  return out.build();
}

constexpr Builtin k_numbers[] = {
    {"bits.or", 2, &bits_or},
    {"bits.and", 2, &bits_and},
    {"bits.xor", 2, &bits_xor},
    {"bits.negate", 1, &bits_negate},
    {"bits.lsh", 2, &bits_lsh},
    {"bits.rsh", 2, &bits_rsh},
    {"numbers.range_step", 3, &range_step},
    {"set_diff", 2, &set_diff},
    {"graph.reachable", 2, &reachable},
    {"graph.reachable_paths", 2, &reachable_paths},
};

} // namespace

std::span<const Builtin> builtin::number_builtins()
{
  return k_numbers;
}

} // namespace tollgate::rego
