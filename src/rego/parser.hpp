#pragma once
// Rego source to syntax tree: both Rego v1 (`if`, `contains`, `in`, `every`) and v0 (`deny[msg] {
// ... }`). Errors read `file:row:col: message` followed by the source line and a caret.

#include "rego/ast.hpp"
#include "rego/error.hpp"

#include <memory>
#include <string>

namespace tollgate::rego {

RegoResult<std::unique_ptr<Module>> parse_module(std::string file, std::string source);

// A query: expressions separated by `;` or newlines. `module` receives the source (for locations).
RegoResult<Body> parse_query(Module& module);

} // namespace tollgate::rego
