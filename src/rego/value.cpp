#include "rego/value.hpp"

#include "rego/decimal.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace tollgate::rego {

struct Value::Heap {
  std::string string;
  Array items; // array elements or set members
  Entries entries;
};

namespace {

const std::string k_empty_string;
// Marks a number's text in a JSON string (U+0001 cannot start real text in a policy's output).
constexpr std::string_view k_number_marker = "\x01rego-number:";
const Array k_empty_array;
const Entries k_empty_entries;

Decimal decimal_of(const Value& v)
{
  if (v.is_big()) {
    return Decimal::parse(v.as_string()).value_or(Decimal{});
  }
  return v.is_int() ? Decimal::from_int(v.as_int()) : Decimal::from_double(v.as_double());
}

int compare_numbers(const Value& a, const Value& b)
{
  if (a.is_int() && b.is_int()) {
    return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
  }
  if (a.is_big() || b.is_big()) {
    return compare(decimal_of(a), decimal_of(b));
  }
  const double x = a.as_double();
  const double y = b.as_double();
  return x < y ? -1 : (x > y ? 1 : 0);
}

template <class Range, class Cmp> int compare_ranges(const Range& a, const Range& b, Cmp cmp)
{
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (const int c = cmp(a[i], b[i]); c != 0) {
      return c;
    }
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int kind_rank(Kind k)
{
  return static_cast<int>(k);
}

} // namespace

Value Value::null()
{
  Value v;
  v.m_kind = Kind::null;
  return v;
}

Value Value::boolean(bool b)
{
  Value v;
  v.m_kind = Kind::boolean;
  v.m_bool = b;
  return v;
}

Value Value::integer(std::int64_t i)
{
  Value v;
  v.m_kind = Kind::number;
  v.m_is_int = true;
  v.m_int = i;
  return v;
}

Value Value::number(double d)
{
  constexpr double k_limit = 9007199254740992.0; // 2^53: exact in a double
  if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= k_limit) {
    return integer(static_cast<std::int64_t>(d));
  }
  Value v;
  v.m_kind = Kind::number;
  v.m_double = d;
  return v;
}

Value Value::big_integer(const std::string& digits)
{
  return big_number(digits);
}

Value Value::big_number(std::string text)
{
  Value v;
  v.m_kind = Kind::number;
  const auto decimal = Decimal::parse(text);
  v.m_double = decimal ? decimal->to_double() : std::strtod(text.c_str(), nullptr);
  if (decimal && decimal->is_integer()) {
    if (auto i = decimal->to_int()) {
      return integer(*i);
    }
    if (text.find_first_of(".eE") == std::string::npos) {
      text = decimal->text(); // canonical digits; `2e308` keeps the form it was written in
    }
  }
  auto heap = std::make_shared<Heap>();
  heap->string = std::move(text);
  v.m_heap = std::move(heap);
  return v;
}

Value Value::string(std::string s)
{
  Value v;
  v.m_kind = Kind::string;
  auto heap = std::make_shared<Heap>();
  heap->string = std::move(s);
  v.m_heap = std::move(heap);
  return v;
}

Value Value::array(Array items)
{
  Value v;
  v.m_kind = Kind::array;
  auto heap = std::make_shared<Heap>();
  heap->items = std::move(items);
  v.m_heap = std::move(heap);
  return v;
}

Value Value::set(Members members)
{
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  Value v;
  v.m_kind = Kind::set;
  auto heap = std::make_shared<Heap>();
  heap->items = std::move(members);
  v.m_heap = std::move(heap);
  return v;
}

Value Value::object(Entries entries)
{
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep the last of equal keys.
  Entries unique;
  unique.reserve(entries.size());
  for (auto& entry : entries) {
    if (!unique.empty() && unique.back().first == entry.first) {
      unique.back() = std::move(entry);
    } else {
      unique.push_back(std::move(entry));
    }
  }
  Value v;
  v.m_kind = Kind::object;
  auto heap = std::make_shared<Heap>();
  heap->entries = std::move(unique);
  v.m_heap = std::move(heap);
  return v;
}

const std::string& Value::as_string() const
{
  return m_heap ? m_heap->string : k_empty_string;
}

const Array& Value::as_array() const
{
  return m_heap ? m_heap->items : k_empty_array;
}

const Members& Value::as_set() const
{
  return m_heap ? m_heap->items : k_empty_array;
}

const Entries& Value::as_object() const
{
  return m_heap ? m_heap->entries : k_empty_entries;
}

Value Value::get(const Value& key) const
{
  switch (m_kind) {
  case Kind::array: {
    if (!key.is_int()) {
      return {};
    }
    const auto& items = as_array();
    const std::int64_t i = key.as_int();
    if (i < 0 || static_cast<std::uint64_t>(i) >= items.size()) {
      return {};
    }
    return items[static_cast<std::size_t>(i)];
  }
  case Kind::object: {
    const auto& entries = as_object();
    auto it = std::lower_bound(entries.begin(), entries.end(), key,
                               [](const auto& entry, const Value& k) { return compare(entry.first, k) < 0; });
    if (it != entries.end() && it->first == key) {
      return it->second;
    }
    return {};
  }
  case Kind::set:
    return contains(key) ? key : Value{};
  default:
    return {};
  }
}

const Value* Value::find(std::string_view key) const
{
  if (m_kind != Kind::object) {
    return nullptr;
  }
  const auto& entries = as_object();
  // Strings sort after null, booleans and numbers and before composites; compare within strings.
  auto it = std::lower_bound(entries.begin(), entries.end(), key, [](const auto& entry, std::string_view k) {
    if (entry.first.kind() != Kind::string) {
      return entry.first.kind() < Kind::string;
    }
    return entry.first.as_string() < k;
  });
  if (it != entries.end() && it->first.is_string() && it->first.as_string() == key) {
    return &it->second;
  }
  return nullptr;
}

bool Value::contains(const Value& member) const
{
  if (m_kind != Kind::set) {
    return false;
  }
  return std::binary_search(as_set().begin(), as_set().end(), member);
}

std::size_t Value::size() const
{
  switch (m_kind) {
  case Kind::string:
    return as_string().size();
  case Kind::array:
  case Kind::set:
    return as_array().size();
  case Kind::object:
    return as_object().size();
  default:
    return 0;
  }
}

int compare(const Value& a, const Value& b)
{
  if (a.kind() != b.kind()) {
    return kind_rank(a.kind()) < kind_rank(b.kind()) ? -1 : 1;
  }
  switch (a.kind()) {
  case Kind::undefined:
  case Kind::null:
    return 0;
  case Kind::boolean:
    return a.as_bool() == b.as_bool() ? 0 : (a.as_bool() ? 1 : -1);
  case Kind::number:
    return compare_numbers(a, b);
  case Kind::string: {
    const int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  case Kind::array:
  case Kind::set:
    return compare_ranges(a.as_array(), b.as_array(), [](const Value& x, const Value& y) { return compare(x, y); });
  case Kind::object:
    return compare_ranges(a.as_object(), b.as_object(), [](const auto& x, const auto& y) {
      if (const int c = compare(x.first, y.first); c != 0) {
        return c;
      }
      return compare(x.second, y.second);
    });
  }
  return 0;
}

Value merge_objects(const Value& a, const Value& b)
{
  if (!a.is_object() || !b.is_object()) {
    return b;
  }
  Entries out;
  const auto& x = a.as_object();
  const auto& y = b.as_object();
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < x.size() || j < y.size()) {
    const int c = i == x.size() ? 1 : (j == y.size() ? -1 : compare(x[i].first, y[j].first));
    if (c < 0) {
      out.push_back(x[i++]);
    } else if (c > 0) {
      out.push_back(y[j++]);
    } else {
      out.emplace_back(x[i].first, merge_objects(x[i].second, y[j].second));
      ++i;
      ++j;
    }
  }
  return Value::object(std::move(out));
}

std::string_view type_name(const Value& v)
{
  switch (v.kind()) {
  case Kind::null:
    return "null";
  case Kind::boolean:
    return "boolean";
  case Kind::number:
    return "number";
  case Kind::string:
    return "string";
  case Kind::array:
    return "array";
  case Kind::object:
    return "object";
  case Kind::set:
    return "set";
  case Kind::undefined:
    break;
  }
  return "undefined";
}

std::string number_text(const Value& v)
{
  if (v.is_big()) {
    return v.as_string();
  }
  if (v.is_int()) {
    return std::to_string(v.as_int());
  }
  const double d = v.as_double();
  if (!std::isfinite(d)) {
    return std::isnan(d) ? "NaN" : (d > 0 ? "+Inf" : "-Inf");
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
  std::string text(buffer, result.ptr);
  // Go prints large floats in exponent form as 1e+21; to_chars gives 1e+21 too.
  return text;
}

nlohmann::json to_json(const Value& v)
{
  switch (v.kind()) {
  case Kind::undefined:
  case Kind::null:
    return nullptr;
  case Kind::boolean:
    return v.as_bool();
  case Kind::number:
    if (v.is_int()) {
      return v.as_int();
    }
    if (v.is_big()) {
      // Exact while it fits 64 unsigned bits, else marked text (see json_text).
      const auto decimal = Decimal::parse(v.as_string());
      if (decimal && decimal->is_integer() && !decimal->negative &&
          static_cast<std::int64_t>(decimal->digits.size()) + decimal->exponent <= 20) {
        std::uint64_t u = 0;
        const std::string digits = decimal->text();
        if (const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), u); r.ec == std::errc()) {
          return u;
        }
      }
      return std::string(k_number_marker) + v.as_string();
    }
    return v.as_double();
  case Kind::string:
    return v.as_string();
  case Kind::array:
  case Kind::set: {
    auto array = nlohmann::json::array();
    for (const auto& item : v.as_array()) {
      array.push_back(to_json(item));
    }
    return array;
  }
  case Kind::object: {
    auto object = nlohmann::json::object();
    for (const auto& [key, value] : v.as_object()) {
      // Other keys become their compact JSON text, as OPA writes them (`{"[1,2]": ...}`).
      object[key.is_string() ? key.as_string() : to_json(key).dump()] = to_json(value);
    }
    return object;
  }
  }
  return nullptr;
}

Value from_json(const nlohmann::json& j)
{
  switch (j.type()) {
  case nlohmann::json::value_t::null:
  case nlohmann::json::value_t::discarded:
    return Value::null();
  case nlohmann::json::value_t::boolean:
    return Value::boolean(j.get<bool>());
  case nlohmann::json::value_t::number_integer:
    return Value::integer(j.get<std::int64_t>());
  case nlohmann::json::value_t::number_unsigned: {
    const auto u = j.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Value::integer(static_cast<std::int64_t>(u));
    }
    return Value::big_integer(std::to_string(u));
  }
  case nlohmann::json::value_t::number_float:
    return Value::number(j.get<double>());
  case nlohmann::json::value_t::string: {
    const auto& text = j.get_ref<const std::string&>();
    if (text.starts_with(k_number_marker)) {
      return Value::big_number(text.substr(k_number_marker.size()));
    }
    return Value::string(text);
  }
  case nlohmann::json::value_t::array:
  case nlohmann::json::value_t::binary: {
    Array items;
    items.reserve(j.size());
    for (const auto& item : j) {
      items.push_back(from_json(item));
    }
    return Value::array(std::move(items));
  }
  case nlohmann::json::value_t::object: {
    Entries entries;
    entries.reserve(j.size());
    for (const auto& [key, value] : j.items()) {
      entries.emplace_back(Value::string(key), from_json(value));
    }
    return Value::object(std::move(entries));
  }
  }
  return Value::null();
}

std::string json_text(const nlohmann::json& j, int indent)
{
  std::string text = j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  static constexpr std::string_view k_dumped = "\"\\u0001rego-number:";
  std::size_t at = text.find(k_dumped);
  while (at != std::string::npos) {
    const std::size_t start = at + k_dumped.size();
    const std::size_t end = text.find('"', start);
    if (end == std::string::npos) {
      break;
    }
    text = text.substr(0, at) + text.substr(start, end - start) + text.substr(end + 1);
    at = text.find(k_dumped, at);
  }
  return text;
}

std::string to_text(const Value& v)
{
  switch (v.kind()) {
  case Kind::undefined:
    return "undefined";
  case Kind::null:
    return "null";
  case Kind::boolean:
    return v.as_bool() ? "true" : "false";
  case Kind::number:
    return number_text(v);
  case Kind::string:
    return nlohmann::json(v.as_string()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  case Kind::array:
  case Kind::set: {
    if (v.is_set() && v.size() == 0) {
      return "set()";
    }
    std::string text = v.is_set() ? "{" : "[";
    bool first = true;
    for (const auto& item : v.as_array()) {
      text += first ? "" : ", ";
      text += to_text(item);
      first = false;
    }
    return text + (v.is_set() ? "}" : "]");
  }
  case Kind::object: {
    std::string text = "{";
    bool first = true;
    for (const auto& [key, value] : v.as_object()) {
      text += first ? "" : ", ";
      text += to_text(key) + ": " + to_text(value);
      first = false;
    }
    return text + "}";
  }
  }
  return "";
}

} // namespace tollgate::rego
