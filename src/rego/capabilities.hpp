#pragma once
// The capabilities document of this Rego engine in OPA's format (`opa capabilities`), generated from
// the built-in registration tables so that it lists exactly what is implemented.

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace tollgate::rego {

// {"builtins": [{"name", "decl", "infix"?}...], "future_keywords", "features", "allow_net": []}.
nlohmann::json capabilities();

// The OPA type declaration of built-in `name` ({"type": "function", "args", "result"}), if known.
std::optional<nlohmann::json> builtin_declaration(std::string_view name);

} // namespace tollgate::rego
