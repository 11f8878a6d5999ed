// Resolution of calls and `with` targets: a dotted name to a user function (through the package
// and imports) or a built-in; the old call form with an output argument rewritten.

#include "rego/resolve.hpp"

#include "rego/builtins.hpp"

#include <fmt/format.h>

namespace tollgate::rego::detail {

std::vector<std::string> split_dots(const std::string& name)
{
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

// The dotted name of a var or a ref of string keys; empty when the term is not a plain name.
std::string plain_name(const Term& term)
{
  if (term.kind == TermKind::var) {
    return term.name;
  }
  if (term.kind != TermKind::ref || term.items.front()->kind != TermKind::var) {
    return {};
  }
  std::string name = term.items.front()->name;
  for (std::size_t i = 1; i < term.items.size(); ++i) {
    const auto& part = *term.items[i];
    if (part.kind != TermKind::scalar || !part.value.is_string()) {
      return {};
    }
    name += "." + part.value.as_string();
  }
  return name;
}

bool Resolver::function_target(const std::string& name, std::string& canonical, const RuleNode*& node,
                               const Builtin*& builtin) const
{
  node = nullptr;
  builtin = nullptr;
  const auto parts = split_dots(name);
  std::vector<std::vector<std::string>> candidates;
  if (parts.front() == "data") {
    candidates.emplace_back(parts.begin() + 1, parts.end());
  } else if (m_module != nullptr) {
    for (const auto& import : m_module->imports) {
      if (import.alias == parts.front() && import.path.front() == "data") {
        std::vector<std::string> path(import.path.begin() + 1, import.path.end());
        path.insert(path.end(), parts.begin() + 1, parts.end());
        candidates.push_back(std::move(path));
      }
    }
    std::vector<std::string> local = m_module->package;
    local.insert(local.end(), parts.begin(), parts.end());
    candidates.push_back(std::move(local));
  }
  for (const auto& path : candidates) {
    const RuleNode* found = find_node(path);
    if (found != nullptr && found->has_rules() && found->kind == RuleKind::function) {
      node = found;
      canonical = found->dotted();
      return true;
    }
  }
  builtin = find_builtin(name);
  if (builtin != nullptr) {
    canonical = std::string(builtin->name);
    return true;
  }
  return false;
}

void Resolver::call(Term& call)
{
  if (!function_target(call.name, call.target, call.function, call.builtin)) {
    compile_error(call.loc, "rego_type_error", fmt::format("undefined function {}", call.name));
  }
  const std::size_t arity = call.builtin != nullptr ? call.builtin->arity : call.function->arity;
  if (call.items.size() != arity) {
    compile_error(
        call.loc, "rego_type_error",
        fmt::format("{}: arity mismatch: {} arguments given, {} expected", call.name, call.items.size(), arity));
  }
}

// `count(x, n)` (the old call form with an output argument) becomes `n = count(x)`.
void Resolver::rewrite_output_call(Expr& e)
{
  if (e.kind == ExprKind::negation) {
    rewrite_output_call(*e.negated);
    return;
  }
  if (e.kind != ExprKind::term || e.terms.front()->kind != TermKind::call) {
    return;
  }
  const TermPtr& call = e.terms.front();
  std::string canonical;
  const RuleNode* node = nullptr;
  const Builtin* builtin = nullptr;
  if (!function_target(call->name, canonical, node, builtin)) {
    return; // reported when the call is resolved
  }
  const std::size_t arity = builtin != nullptr ? builtin->arity : node->arity;
  if (call->items.size() == arity + 1) {
    TermPtr output = call->items.back();
    call->items.pop_back();
    e.kind = ExprKind::unify;
    e.terms = {output, call};
  }
}

void Resolver::with(With& w, Scope& scope)
{
  const std::string name = plain_name(*w.target);
  if (name.empty()) {
    compile_error(w.loc, "rego_compile_error", "with keyword target must be a reference to input, data or a function");
  }
  auto parts = split_dots(name);
  const Builtin* builtin = nullptr;
  const RuleNode* node = nullptr;
  std::string canonical;
  if (parts.front() == "input") {
    w.kind = WithKind::input;
    w.path.assign(parts.begin() + 1, parts.end());
  } else if (parts.front() == "data" && !function_target(name, canonical, node, builtin)) {
    w.kind = WithKind::data;
    w.path.assign(parts.begin() + 1, parts.end());
  } else if (function_target(name, canonical, node, builtin)) {
    w.kind = WithKind::function;
    w.function = canonical;
  } else if (auto prefix = global(parts.front(), w.loc); prefix && prefix->front()->slot == k_slot_data) {
    w.kind = WithKind::data;
    for (std::size_t i = 1; i < prefix->size(); ++i) {
      w.path.push_back((*prefix)[i]->value.as_string());
    }
    w.path.insert(w.path.end(), parts.begin() + 1, parts.end());
  } else {
    compile_error(w.loc, "rego_type_error", fmt::format("undefined function {}", name));
  }
  if (w.kind == WithKind::function) {
    const std::string value_name = plain_name(*w.value);
    const RuleNode* value_node = nullptr;
    const Builtin* value_builtin = nullptr;
    std::string value_canonical;
    if (!value_name.empty() && function_target(value_name, value_canonical, value_node, value_builtin)) {
      w.value_function = value_node;
      w.value_builtin = value_builtin;
      return;
    }
  }
  term(w.value, scope);
}

} // namespace tollgate::rego::detail
