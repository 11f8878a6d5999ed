// Schema checks and $ref resolution for the JSON Schema built-ins.

#include "rego/json_schema.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace tollgate::rego::schema {

namespace {

[[noreturn]] void invalid(const std::string& message)
{
  throw SchemaError{message};
}

} // namespace

std::string marshal(const Value& v)
{
  return to_json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_integer(const Value& v)
{
  return v.is_int() || v.is_big() || (v.is_number() && std::floor(v.as_double()) == v.as_double());
}

std::optional<Value> resolve(const Value& root, const std::string& ref)
{
  if (ref == "#") {
    return root;
  }
  if (!ref.starts_with("#/")) {
    return std::nullopt;
  }
  Value at = root;
  std::size_t pos = 2;
  while (pos <= ref.size()) {
    const std::size_t slash = ref.find('/', pos);
    std::string part = ref.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    for (std::size_t i = 0; (i = part.find("~1", i)) != std::string::npos; ++i) {
      part.replace(i, 2, "/");
    }
    for (std::size_t i = 0; (i = part.find("~0", i)) != std::string::npos; ++i) {
      part.replace(i, 2, "~");
    }
    if (at.is_array() && !part.empty() && part.find_first_not_of("0123456789") == std::string::npos) {
      at = at.get(Value::integer(std::stoll(part)));
    } else {
      at = at.is_object() ? at.get(Value::string(part)) : Value();
    }
    if (!at.defined()) {
      return std::nullopt;
    }
    if (slash == std::string::npos) {
      break;
    }
    pos = slash + 1;
  }
  return at;
}

namespace {

// Structural checks of the schema itself (what gojsonschema refuses to compile).
void check_at(const Value& root, const Value& s, int depth)
{
  if (depth > 64) {
    invalid("schema nesting is too deep");
  }
  if (s.is_bool()) {
    return;
  }
  if (!s.is_object()) {
    invalid(fmt::format("Invalid type. Expected: object or boolean, given: {}", type_name(s)));
  }
  if (const Value* t = s.find("type")) {
    const auto known = [](const Value& n) {
      static const char* const k_types[] = {"array", "boolean", "integer", "number", "null", "object", "string"};
      return n.is_string() &&
             std::any_of(std::begin(k_types), std::end(k_types), [&](const char* k) { return n.as_string() == k; });
    };
    const bool ok = t->is_array() ? std::all_of(t->as_array().begin(), t->as_array().end(), known) : known(*t);
    if (!ok) {
      invalid(fmt::format("has a primitive type that is NOT VALID -- given: {}", marshal(*t)));
    }
  }
  for (const char* key : {"pattern"}) {
    if (const Value* p = s.find(key)) {
      if (!p->is_string() || !RE2(p->as_string(), RE2::Quiet).ok()) {
        invalid(fmt::format("Invalid pattern: {}", marshal(*p)));
      }
    }
  }
  for (const char* key : {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}) {
    if (const Value* n = s.find(key); n != nullptr && (!is_integer(*n) || n->as_double() < 0)) {
      invalid(fmt::format("{} must be of type integer and greater than or equal to 0", key));
    }
  }
  for (const char* key :
       {"not", "additionalProperties", "additionalItems", "items", "contains", "propertyNames", "if", "then", "else"}) {
    if (const Value* sub = s.find(key)) {
      if (sub->is_array() && std::string_view(key) == "items") {
        for (const Value& item : sub->as_array()) {
          check_at(root, item, depth + 1);
        }
      } else {
        check_at(root, *sub, depth + 1);
      }
    }
  }
  for (const char* key : {"allOf", "anyOf", "oneOf"}) {
    if (const Value* list = s.find(key)) {
      if (!list->is_array() || list->as_array().empty()) {
        invalid(fmt::format("{} must be of type array and contain at least 1 item", key));
      }
      for (const Value& item : list->as_array()) {
        check_at(root, item, depth + 1);
      }
    }
  }
  for (const char* key : {"properties", "patternProperties", "definitions"}) {
    if (const Value* map = s.find(key)) {
      if (!map->is_object()) {
        invalid(fmt::format("{} must be of type object", key));
      }
      for (const auto& [k, sub] : map->as_object()) {
        if (std::string_view(key) == "patternProperties" && !RE2(k.as_string(), RE2::Quiet).ok()) {
          invalid(fmt::format("Invalid pattern: {}", marshal(k)));
        }
        check_at(root, sub, depth + 1);
      }
    }
  }
  if (const Value* ref = s.find("$ref")) {
    if (!ref->is_string() || !resolve(root, ref->as_string())) {
      invalid(fmt::format("Reference {} is not a local JSON pointer of the schema", marshal(*ref)));
    }
  }
}

} // namespace

void check(const Value& root)
{
  check_at(root, root, 0);
}

} // namespace tollgate::rego::schema
