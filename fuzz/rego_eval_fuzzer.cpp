// libFuzzer target: evaluation of fuzzed modules. The input is a module; every rule of its
// package is evaluated (`data.<package>`), with a small input document, with and without strict
// built-in errors. Any outcome but a crash, a hang or a sanitizer report is fine.

#include "rego/engine.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace tollgate::rego;
  Engine engine;
  if (!engine.add_module("fuzz.rego", std::string(reinterpret_cast<const char*>(data), size))) {
    return 0;
  }
  if (!engine.compile()) {
    return 0;
  }
  std::string query = "data";
  for (const auto& part : *engine.packages().begin()) {
    query += "[\"" + part + "\"]";
  }
  EvalOptions options;
  options.input = Value::object({{Value::string("user"), Value::string("admin")},
                                 {Value::string("n"), Value::array({Value::integer(1), Value::integer(2)})}});
  options.now_ns = 1;
  (void)engine.eval(query, options);
  options.strict_builtin_errors = true;
  (void)engine.eval(query, options);
  return 0;
}
