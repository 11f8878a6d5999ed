// Built-ins that talk to the evaluation rather than compute: `print` (rewritten by the compiler
// into `internal.print` over one set per argument, as OPA does), `trace`, `opa.runtime` and
// `rego.metadata.*` outside a rule.

#include "rego/builtins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace tollgate::rego {

namespace {

using builtin::str;
using builtin::type_error;

// Each argument is the set of its values: the cross product of them is printed, one line each;
// an empty set (the argument was undefined) prints `<undefined>`.
void print_product(const Array& operands, std::size_t i, std::vector<std::string>& parts, const BuiltinContext& context)
{
  if (i == operands.size()) {
    std::string line;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      line += (k == 0 ? "" : " ") + parts[k];
    }
    if (context.print) {
      context.print(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    return;
  }
  const Value& values = operands[i];
  if (!values.is_set() || values.size() == 0) {
    parts[i] = "<undefined>";
    print_product(operands, i + 1, parts, context);
    return;
  }
  for (const auto& v : values.as_set()) {
    parts[i] = v.is_string() ? v.as_string() : to_text(v);
    print_product(operands, i + 1, parts, context);
  }
}

Value internal_print(std::span<const Value> a, BuiltinContext& context)
{
  if (!a[0].is_array()) {
    type_error("print", 1, "array", a[0]);
  }
  std::vector<std::string> parts(a[0].size());
  print_product(a[0].as_array(), 0, parts, context);
  return Value::boolean(true);
}

Value trace(std::span<const Value> a, BuiltinContext& context)
{
  const std::string& note = str("trace", a, 0);
  if (context.notes != nullptr) {
    context.notes->push_back(note);
  }
  return Value::boolean(true);
}

// The environment is not handed to policies: in a gate it may hold CI secrets (`with
// opa.runtime as {...}` mocks it in tests).
Value opa_runtime(std::span<const Value>, BuiltinContext& context)
{
  if (context.runtime.defined()) {
    return context.runtime;
  }
  return Value::object(
      {{Value::string("env"), Value::object({})}, {Value::string("version"), Value::string(TOLLGATE_VERSION)}});
}

// Replaced by their value when the compiler resolves a rule; reached only from a query.
Value metadata_outside_rule(std::span<const Value>, BuiltinContext&)
{
  throw BuiltinError{"eval_builtin_error", "rego.metadata.rule and rego.metadata.chain are only defined in rules"};
}

constexpr Builtin k_eval[] = {
    {"rego.metadata.chain", 0, &metadata_outside_rule},
    {"rego.metadata.rule", 0, &metadata_outside_rule},
    {"internal.print", 1, &internal_print},
    {"trace", 1, &trace},
    {"opa.runtime", 0, &opa_runtime},
};

} // namespace

std::span<const Builtin> builtin::eval_builtins()
{
  return k_eval;
}

} // namespace tollgate::rego
