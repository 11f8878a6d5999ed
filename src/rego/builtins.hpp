#pragma once
// Built-in functions. Each takes its evaluated arguments and returns a value, or an undefined
// Value (no result), or throws BuiltinError; the evaluator turns that error into undefined unless
// strict built-in errors are on (as OPA does).

#include "rego/value.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::rego {

struct BuiltinError {
  std::string code; // eval_type_error or eval_builtin_error
  std::string message;
  bool halt = false; // an error even without strict built-in errors (a refused built-in)
};

struct BuiltinContext {
  std::int64_t now_ns = 0; // fixed for one query, as OPA does
  // Where `print` writes, one line a call (null: standard error).
  std::function<void(std::string_view)> print;
  std::vector<std::string>* notes = nullptr; // `trace` notes, when kept
  Value runtime;                             // what `opa.runtime()` returns
};

using BuiltinFn = Value (*)(std::span<const Value> args, BuiltinContext& context);

struct Builtin {
  std::string_view name;
  std::size_t arity;
  BuiltinFn fn;
  bool relation = false; // returns an array of results, each a solution (walk)
};

// nullptr when `name` is not a supported built-in.
const Builtin* find_builtin(std::string_view name);

// Helpers for built-in implementations.
namespace builtin {

[[noreturn]] void type_error(std::string_view name, std::size_t position, std::string_view expected, const Value& got);
[[noreturn]] void error(std::string_view name, std::string message);
const std::string& str(std::string_view name, std::span<const Value> args, std::size_t i);
std::int64_t integer(std::string_view name, std::span<const Value> args, std::size_t i);
const Value& number(std::string_view name, std::span<const Value> args, std::size_t i);

// Registration tables, one per built-ins file.
std::span<const Builtin> core_builtins();       // operators, aggregates, types
std::span<const Builtin> string_builtins();     // strings, formatting
std::span<const Builtin> collection_builtins(); // objects, arrays, sets, walk
std::span<const Builtin> encoding_builtins();   // json, base64, hex, semver, time
std::span<const Builtin> regex_builtins();      // regex.*, glob.match
std::span<const Builtin> unit_builtins();       // units.parse, units.parse_bytes
std::span<const Builtin> yaml_builtins();       // yaml.marshal, yaml.unmarshal, yaml.is_valid
std::span<const Builtin> time_builtins();       // time.*, test.sleep
std::span<const Builtin> json_builtins();       // json.filter, json.remove, json.patch, ...
std::span<const Builtin> net_builtins();        // net.cidr_*; http.send and net.lookup_ip_addr refused
std::span<const Builtin> number_builtins();     // bits.*, numbers.range_step, graph.*, set_diff
std::span<const Builtin> text_builtins();       // strings.count, render_template, urlquery.*
std::span<const Builtin> crypto_builtins();     // crypto.* (digests, HMACs, X.509)
std::span<const Builtin> jwt_builtins();        // io.jwt.*
std::span<const Builtin> schema_builtins();     // json.verify_schema, json.match_schema
// Every registration table, in lookup order.
std::span<const std::span<const Builtin>> tables();
std::span<const Builtin> eval_builtins(); // print, trace, opa.runtime, rego.parse_module

// A YAML document as a value (YAML 1.2 core schema); throws BuiltinError when it is not YAML.
Value parse_yaml(const std::string& text);

// The offset after the code point at `i` (an invalid byte counts as one code point, as in Go).
std::size_t utf8_next(const std::string& s, std::size_t i);

// Arithmetic shared by operators and aggregates.
Value add(const Value& a, const Value& b);
Value subtract(const Value& a, const Value& b);
Value multiply(const Value& a, const Value& b);

} // namespace builtin

} // namespace tollgate::rego
