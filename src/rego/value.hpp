#pragma once
// Rego values: null, booleans, numbers (exact 64-bit integers, doubles, and exact decimal text for
// what neither holds, e.g. `1e1000` or 30-digit integers), strings, arrays,
// sets and objects. A Value is a small handle: scalars inline, composites shared and immutable,
// so copying one never copies its contents. Sets and objects are kept sorted in OPA's order.

#include <nlohmann/json_fwd.hpp>

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tollgate::rego {

// OPA's sort order of kinds: null < boolean < number < string < array < object < set.
// `undefined` is not a Rego value: it marks an unbound variable or a missing result.
enum class Kind : std::uint8_t { undefined, null, boolean, number, string, array, object, set };

class Value;
using Array = std::vector<Value>;
using Members = std::vector<Value>;                   // a set's members, sorted, unique
using Entries = std::vector<std::pair<Value, Value>>; // an object's entries, sorted by key, unique keys

class Value {
public:
  Value() = default;
  static Value null();
  static Value boolean(bool b);
  static Value integer(std::int64_t i);
  static Value number(double d); // stored as an integer when it is one and fits
  // An integer beyond 64 bits, kept exactly as its decimal digits.
  static Value big_integer(const std::string& digits);
  // A number beyond a double's range or a 64-bit integer, kept exactly as its JSON number text
  // (`2e308`); as_string() returns that text, as_double() the nearest double (maybe infinite).
  static Value big_number(std::string text);
  static Value string(std::string s);
  static Value array(Array items);
  static Value set(Members members);    // sorts and removes duplicates
  static Value object(Entries entries); // sorts; the last of duplicate keys wins

  Kind kind() const { return m_kind; }
  bool defined() const { return m_kind != Kind::undefined; }
  bool is_null() const { return m_kind == Kind::null; }
  bool is_bool() const { return m_kind == Kind::boolean; }
  bool is_number() const { return m_kind == Kind::number; }
  bool is_string() const { return m_kind == Kind::string; }
  bool is_array() const { return m_kind == Kind::array; }
  bool is_object() const { return m_kind == Kind::object; }
  bool is_set() const { return m_kind == Kind::set; }
  bool is_false() const { return m_kind == Kind::boolean && !m_bool; }
  bool is_true() const { return m_kind == Kind::boolean && m_bool; }

  bool as_bool() const { return m_bool; }
  bool is_int() const { return m_kind == Kind::number && m_is_int; }
  bool is_big() const { return m_kind == Kind::number && m_heap != nullptr; }
  std::int64_t as_int() const { return m_int; }
  double as_double() const { return m_is_int ? static_cast<double>(m_int) : m_double; }
  const std::string& as_string() const;
  const Array& as_array() const;
  const Members& as_set() const;
  const Entries& as_object() const;

  // Array index / object key / set member lookup; undefined when absent or not a collection.
  Value get(const Value& key) const;
  // Object lookup by string key.
  const Value* find(std::string_view key) const;
  bool contains(const Value& member) const; // set membership
  std::size_t size() const;                 // elements of a collection, bytes of a string

private:
  struct Heap;
  Kind m_kind = Kind::undefined;
  bool m_bool = false;
  bool m_is_int = false;
  std::int64_t m_int = 0;
  double m_double = 0;
  std::shared_ptr<const Heap> m_heap;
};

// Total order of OPA (numbers by value, 1 == 1.0).
int compare(const Value& a, const Value& b);
inline bool operator==(const Value& a, const Value& b)
{
  return compare(a, b) == 0;
}
inline bool operator<(const Value& a, const Value& b)
{
  return compare(a, b) < 0;
}

std::string_view type_name(const Value& v); // "null", "boolean", "number", ... as OPA's type_name

// `a` with `b` merged in, recursively where both are objects; `b` wins elsewhere (object.union).
Value merge_objects(const Value& a, const Value& b);

// JSON conversion. Non-string object keys become their compact JSON text; sets become sorted
// arrays. A number nlohmann::json cannot hold exactly (beyond 64 bits, or `1e1000`) becomes a
// string marking its text, which from_json reads back and json_text writes as a bare number.
nlohmann::json to_json(const Value& v);
Value from_json(const nlohmann::json& j);
// `j` as JSON text (`indent` as nlohmann's dump; invalid UTF-8 replaced), exact numbers included.
std::string json_text(const nlohmann::json& j, int indent = -1);

// The number as OPA prints it (integers without a fraction, floats in shortest form).
std::string number_text(const Value& v);
// Rego/JSON text of a value, as `sprintf("%v")` and error messages show it.
std::string to_text(const Value& v);

// A mutable ordered set / object builder that freezes into a Value.
class SetBuilder {
public:
  void add(const Value& v) { m_items.push_back(v); }
  Value build() { return Value::set(std::move(m_items)); }

private:
  Members m_items;
};

} // namespace tollgate::rego
