#pragma once
// What an Engine holds, for src/rego/ itself (the tester, coverage) and the engine's own tests: the
// compiler with its modules and rule tree, and the base document. Never included outside src/rego/
// (the layer test refuses it).

#include "rego/compiler.hpp"
#include "rego/engine.hpp"

namespace tollgate::rego {

struct Engine::Internals {
  Compiler compiler;
  Value data = Value::object({});
};

} // namespace tollgate::rego
