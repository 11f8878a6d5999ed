#pragma once
// JSON Schema (drafts 4, 6, 7) support for json.verify_schema and json.match_schema: the checks
// that make a schema unusable, and local $ref resolution.

#include "rego/value.hpp"

#include <optional>
#include <string>

namespace tollgate::rego::schema {

struct SchemaError {
  std::string message;
};

// Throws SchemaError when `root` is not a usable schema (wrong keyword types, bad patterns,
// references that are not local JSON pointers).
void check(const Value& root);

// The subschema a local reference ("#", "#/definitions/x") names in `root`.
std::optional<Value> resolve(const Value& root, const std::string& ref);

// JSON text of `v`, as gojsonschema compares and prints values.
std::string marshal(const Value& v);
// A number without a fractional part (JSON Schema's "integer").
bool is_integer(const Value& v);

} // namespace tollgate::rego::schema
