// Object, array and set built-ins, casts, numbers.range and walk.

#include "rego/builtins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::type_error;

const Value& object_arg(std::string_view name, std::span<const Value> a, std::size_t i)
{
  if (!a[i].is_object()) {
    type_error(name, i + 1, "object", a[i]);
  }
  return a[i];
}

Value object_get(std::span<const Value> a, BuiltinContext&)
{
  object_arg("object.get", a, 0);
  if (!a[1].is_array()) {
    const Value v = a[0].get(a[1]);
    return v.defined() ? v : a[2];
  }
  Value current = a[0];
  for (const auto& key : a[1].as_array()) {
    current = current.get(key);
    if (!current.defined()) {
      return a[2];
    }
  }
  return current;
}

Value object_keys(std::span<const Value> a, BuiltinContext&)
{
  Members keys;
  for (const auto& entry : object_arg("object.keys", a, 0).as_object()) {
    keys.push_back(entry.first);
  }
  return Value::set(std::move(keys));
}

Value object_union(std::span<const Value> a, BuiltinContext&)
{
  return merge_objects(object_arg("object.union", a, 0), object_arg("object.union", a, 1));
}

Value object_union_n(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_array()) {
    type_error("object.union_n", 1, "array", a[0]);
  }
  Value out = Value::object({});
  for (const auto& item : a[0].as_array()) {
    if (!item.is_object()) {
      type_error("object.union_n", 1, "array of objects", a[0]);
    }
    out = merge_objects(out, item);
  }
  return out;
}

Members key_collection(std::string_view name, const Value& v)
{
  if (v.is_array() || v.is_set()) {
    return v.as_array();
  }
  if (v.is_object()) {
    Members keys;
    for (const auto& entry : v.as_object()) {
      keys.push_back(entry.first);
    }
    return keys;
  }
  type_error(name, 2, "one of {array, object, set}", v);
}

Value object_remove(std::span<const Value> a, BuiltinContext&)
{
  const Value& object = object_arg("object.remove", a, 0);
  Members keys = key_collection("object.remove", a[1]);
  std::sort(keys.begin(), keys.end());
  Entries out;
  for (const auto& entry : object.as_object()) {
    if (!std::binary_search(keys.begin(), keys.end(), entry.first)) {
      out.push_back(entry);
    }
  }
  return Value::object(std::move(out));
}

Value object_filter(std::span<const Value> a, BuiltinContext&)
{
  const Value& object = object_arg("object.filter", a, 0);
  Members keys = key_collection("object.filter", a[1]);
  std::sort(keys.begin(), keys.end());
  Entries out;
  for (const auto& entry : object.as_object()) {
    if (std::binary_search(keys.begin(), keys.end(), entry.first)) {
      out.push_back(entry);
    }
  }
  return Value::object(std::move(out));
}

bool is_subset(const Value& super, const Value& sub)
{
  if (super.is_object() && sub.is_object()) {
    for (const auto& [k, v] : sub.as_object()) {
      const Value mine = super.get(k);
      if (!mine.defined() || !is_subset(mine, v)) {
        return false;
      }
    }
    return true;
  }
  if (super.is_set() && sub.is_set()) {
    return std::includes(super.as_set().begin(), super.as_set().end(), sub.as_set().begin(), sub.as_set().end());
  }
  if (super.is_array() && sub.is_array()) {
    const auto& x = super.as_array();
    const auto& y = sub.as_array();
    return y.empty() || std::search(x.begin(), x.end(), y.begin(), y.end()) != x.end();
  }
  if (super.is_array() && sub.is_set()) {
    return std::all_of(sub.as_set().begin(), sub.as_set().end(), [&](const Value& v) {
      return std::find(super.as_array().begin(), super.as_array().end(), v) != super.as_array().end();
    });
  }
  return super == sub;
}

Value object_subset(std::span<const Value> a, BuiltinContext&)
{
  const bool collections =
      (a[0].is_object() || a[0].is_array() || a[0].is_set()) && (a[1].is_object() || a[1].is_array() || a[1].is_set());
  if (!collections) {
    type_error("object.subset", a[0].is_object() || a[0].is_array() || a[0].is_set() ? 2 : 1,
               "one of {object, array, set}", a[0].is_object() || a[0].is_array() || a[0].is_set() ? a[1] : a[0]);
  }
  if (a[0].is_object() != a[1].is_object() || (a[0].is_set() && a[1].is_array())) {
    error("object.subset", "both arguments must be objects, or neither; a set's subset must be a set");
  }
  return Value::boolean(is_subset(a[0], a[1]));
}

const Array& array_arg(std::string_view name, std::span<const Value> a, std::size_t i)
{
  if (!a[i].is_array()) {
    type_error(name, i + 1, "array", a[i]);
  }
  return a[i].as_array();
}

Value array_concat(std::span<const Value> a, BuiltinContext&)
{
  Array out = array_arg("array.concat", a, 0);
  const auto& more = array_arg("array.concat", a, 1);
  out.insert(out.end(), more.begin(), more.end());
  return Value::array(std::move(out));
}

Value array_slice(std::span<const Value> a, BuiltinContext&)
{
  const auto& items = array_arg("array.slice", a, 0);
  const auto size = static_cast<std::int64_t>(items.size());
  std::int64_t start = std::clamp<std::int64_t>(builtin::integer("array.slice", a, 1), 0, size);
  const std::int64_t stop = std::clamp<std::int64_t>(builtin::integer("array.slice", a, 2), 0, size);
  start = std::min(start, stop);
  return Value::array(Array(items.begin() + start, items.begin() + stop));
}

Value array_reverse(std::span<const Value> a, BuiltinContext&)
{
  Array out = array_arg("array.reverse", a, 0);
  std::reverse(out.begin(), out.end());
  return Value::array(std::move(out));
}

const Members& set_of_sets(std::string_view name, const Value& v)
{
  if (!v.is_set()) {
    type_error(name, 1, "set", v);
  }
  for (const auto& item : v.as_set()) {
    if (!item.is_set()) {
      type_error(name, 1, "set of sets", v);
    }
  }
  return v.as_set();
}

Value union_of(std::span<const Value> a, BuiltinContext&)
{
  Members out;
  for (const auto& s : set_of_sets("union", a[0])) {
    out.insert(out.end(), s.as_set().begin(), s.as_set().end());
  }
  return Value::set(std::move(out));
}

Value intersection_of(std::span<const Value> a, BuiltinContext&)
{
  const auto& sets = set_of_sets("intersection", a[0]);
  if (sets.empty()) {
    return Value::set({});
  }
  Members out = sets.front().as_set();
  for (std::size_t i = 1; i < sets.size(); ++i) {
    Members next;
    std::set_intersection(out.begin(), out.end(), sets[i].as_set().begin(), sets[i].as_set().end(),
                          std::back_inserter(next));
    out = std::move(next);
  }
  return Value::set(std::move(out));
}

Value numbers_range(std::span<const Value> a, BuiltinContext&)
{
  const std::int64_t from = builtin::integer("numbers.range", a, 0);
  const std::int64_t to = builtin::integer("numbers.range", a, 1);
  constexpr std::int64_t k_limit = 10'000'000;
  if ((to > from ? to - from : from - to) > k_limit) {
    error("numbers.range", "range too large");
  }
  Array out;
  const std::int64_t step = from <= to ? 1 : -1;
  for (std::int64_t i = from;; i += step) {
    out.push_back(Value::integer(i));
    if (i == to) {
      break;
    }
  }
  return Value::array(std::move(out));
}

void walk_into(const Value& v, Array& path, Array& out)
{
  out.push_back(Value::array({Value::array(path), v}));
  switch (v.kind()) {
  case Kind::array:
    for (std::size_t i = 0; i < v.as_array().size(); ++i) {
      path.push_back(Value::integer(static_cast<std::int64_t>(i)));
      walk_into(v.as_array()[i], path, out);
      path.pop_back();
    }
    break;
  case Kind::object:
    for (const auto& [k, child] : v.as_object()) {
      path.push_back(k);
      walk_into(child, path, out);
      path.pop_back();
    }
    break;
  case Kind::set:
    for (const auto& member : v.as_set()) {
      path.push_back(member);
      walk_into(member, path, out);
      path.pop_back();
    }
    break;
  default:
    break;
  }
}

Value walk(std::span<const Value> a, BuiltinContext&)
{
  Array out;
  Array path;
  walk_into(a[0], path, out);
  return Value::array(std::move(out));
}

Value cast_array(std::span<const Value> a, BuiltinContext&)
{
  if (a[0].is_array() || a[0].is_set()) {
    return Value::array(a[0].as_array());
  }
  type_error("cast_array", 1, "one of {array, set}", a[0]);
}

Value cast_set(std::span<const Value> a, BuiltinContext&)
{
  if (a[0].is_array() || a[0].is_set()) {
    return Value::set(a[0].as_array());
  }
  type_error("cast_set", 1, "one of {array, set}", a[0]);
}

Value cast_string(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_string()) {
    type_error("cast_string", 1, "string", a[0]);
  }
  return a[0];
}

Value cast_boolean(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_bool()) {
    type_error("cast_boolean", 1, "boolean", a[0]);
  }
  return a[0];
}

Value cast_null(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_null()) {
    type_error("cast_null", 1, "null", a[0]);
  }
  return a[0];
}

Value cast_object(std::span<const Value> a, BuiltinContext&)
{
  return object_arg("cast_object", a, 0);
}

constexpr Builtin k_collections[] = {
    {"object.get", 3, &object_get},
    {"object.keys", 1, &object_keys},
    {"object.union", 2, &object_union},
    {"object.union_n", 1, &object_union_n},
    {"object.remove", 2, &object_remove},
    {"object.filter", 2, &object_filter},
    {"object.subset", 2, &object_subset},
    {"array.concat", 2, &array_concat},
    {"array.slice", 3, &array_slice},
    {"array.reverse", 1, &array_reverse},
    {"union", 1, &union_of},
    {"intersection", 1, &intersection_of},
    {"numbers.range", 2, &numbers_range},
    {"walk", 1, &walk, true},
    {"cast_array", 1, &cast_array},
    {"cast_set", 1, &cast_set},
    {"cast_string", 1, &cast_string},
    {"cast_boolean", 1, &cast_boolean},
    {"cast_null", 1, &cast_null},
    {"cast_object", 1, &cast_object},
};

} // namespace

std::span<const Builtin> builtin::collection_builtins()
{
  return k_collections;
}

} // namespace tollgate::rego
