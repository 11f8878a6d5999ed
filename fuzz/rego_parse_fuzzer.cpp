// libFuzzer target: the Rego lexer and parser on arbitrary module text, then the compiler.
// Besides crashes, hangs and sanitizer reports, it traps on an error that does not name its
// place (`fuzz.rego:row:col`).

#include "rego/compiler.hpp"
#include "rego/parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string text(reinterpret_cast<const char*>(data), size);
  auto module = tollgate::rego::parse_module("fuzz.rego", text);
  if (!module) {
    if (module.error().file != "fuzz.rego" || module.error().row < 1 || module.error().col < 1) {
      __builtin_trap();
    }
    return 0;
  }
  tollgate::rego::Compiler compiler;
  (void)compiler.add_module("fuzz.rego", std::move(text));
  (void)compiler.compile();
  return 0;
}
