#include "rego/resolve.hpp"

#include "rego/builtins.hpp"

#include <fmt/format.h>

namespace tollgate::rego::detail {

namespace {

TermPtr root_var(int slot, const std::string& name, const Location& loc)
{
  auto term = std::make_shared<Term>();
  term->kind = TermKind::var;
  term->name = name;
  term->slot = slot;
  term->loc = loc;
  return term;
}

TermPtr string_term(const std::string& s, const Location& loc)
{
  auto term = std::make_shared<Term>();
  term->value = Value::string(s);
  term->loc = loc;
  return term;
}

} // namespace

void compile_error(const Location& loc, std::string code, std::string message)
{
  throw CompileError{
      RegoError{std::move(code), std::move(message), loc.file ? *loc.file : std::string(), loc.row, loc.col, {}}};
}

int Scope::lookup(std::string_view name) const
{
  for (const Scope* s = this; s != nullptr; s = s->parent) {
    if (auto it = s->vars.find(name); it != s->vars.end()) {
      return it->second;
    }
  }
  return -1;
}

int Resolver::declare(Scope& scope, const std::string& name)
{
  const int slot = static_cast<int>(m_names.size());
  m_names.push_back(name);
  scope.vars[name] = slot;
  return slot;
}

void Resolver::declare_pattern(const TermPtr& term, Scope& scope)
{
  if (!term) {
    return;
  }
  if (term->kind == TermKind::var) {
    if (scope.vars.find(term->name) == scope.vars.end()) {
      declare(scope, term->name);
    }
  } else if (term->kind == TermKind::array || term->kind == TermKind::object) {
    for (std::size_t i = 0; i < term->items.size(); ++i) {
      if (term->kind == TermKind::object && i % 2 == 0) {
        continue;
      }
      declare_pattern(term->items[i], scope);
    }
  }
}

const RuleNode* Resolver::find_node(const std::vector<std::string>& path) const
{
  const RuleNode* node = &m_root;
  for (const auto& part : path) {
    auto it = node->children.find(part);
    if (it == node->children.end()) {
      return nullptr;
    }
    node = it->second.get();
  }
  return node;
}

std::optional<std::vector<TermPtr>> Resolver::global(const std::string& name, const Location& loc) const
{
  if (name == "input") {
    return std::vector<TermPtr>{root_var(k_slot_input, "input", loc)};
  }
  if (name == "data") {
    return std::vector<TermPtr>{root_var(k_slot_data, "data", loc)};
  }
  if (m_module == nullptr) {
    return std::nullopt;
  }
  for (const auto& import : m_module->imports) {
    if (import.alias == name) {
      std::vector<TermPtr> prefix{import.path.front() == "data" ? root_var(k_slot_data, "data", loc)
                                                                : root_var(k_slot_input, "input", loc)};
      for (std::size_t i = 1; i < import.path.size(); ++i) {
        prefix.push_back(string_term(import.path[i], loc));
      }
      return prefix;
    }
  }
  std::vector<std::string> path = m_module->package;
  path.push_back(name);
  if (find_node(path) != nullptr) {
    std::vector<TermPtr> prefix{root_var(k_slot_data, "data", loc)};
    for (const auto& part : path) {
      prefix.push_back(string_term(part, loc));
    }
    return prefix;
  }
  return std::nullopt;
}

void Resolver::collect(const TermPtr& t, Scope& scope)
{
  switch (t->kind) {
  case TermKind::var:
    if (t->slot == k_slot_data || t->slot == k_slot_input) {
      return;
    }
    if (scope.lookup(t->name) < 0 && m_skip.count(t->name) == 0 && !global(t->name, t->loc)) {
      declare(scope, t->name);
    }
    return;
  case TermKind::ref:
  case TermKind::array:
  case TermKind::object:
  case TermKind::set:
  case TermKind::call:
    for (const auto& item : t->items) {
      collect(item, scope);
    }
    return;
  default:
    return; // scalars; comprehensions have their own scope
  }
}

void Resolver::collect_expr(const Expr& e, Scope& scope)
{
  switch (e.kind) {
  case ExprKind::negation:
    collect_expr(*e.negated, scope);
    break;
  case ExprKind::some_decl:
    break;
  case ExprKind::some_in:
  case ExprKind::every:
    collect(e.terms[2], scope);
    break;
  default:
    for (const auto& t : e.terms) {
      collect(t, scope);
    }
  }
  for (const auto& w : e.withs) {
    std::string canonical;
    const RuleNode* node = nullptr;
    const Builtin* builtin = nullptr;
    const std::string name = plain_name(*w.value);
    if (name.empty() || !function_target(name, canonical, node, builtin)) {
      collect(w.value, scope);
    }
  }
}

void Resolver::body(Body& exprs, Scope& scope)
{
  rewrite_negations(exprs, scope); // first: `not f(x, out)` is a call there, as in OPA
  for (auto& e : exprs) {
    rewrite_output_call(*e);
  }
  // Variables declared with `some` or `:=` are visible from their declaration on; the others
  // (bound by unification) anywhere in the body.
  std::set<std::string> declared;
  auto names_of = [&](const TermPtr& t, auto& self) -> void {
    if (!t) {
      return;
    }
    if (t->kind == TermKind::var) {
      declared.insert(t->name);
    } else if (t->kind == TermKind::array || t->kind == TermKind::object) {
      for (std::size_t i = 0; i < t->items.size(); ++i) {
        if (t->kind != TermKind::object || i % 2 == 1) {
          self(t->items[i], self);
        }
      }
    }
  };
  for (auto& e : exprs) {
    if (e->kind == ExprKind::some_decl) {
      for (const auto& var : e->terms) {
        names_of(var, names_of);
      }
    } else if (e->kind == ExprKind::some_in) {
      names_of(e->terms[0], names_of);
      names_of(e->terms[1], names_of);
    } else if (e->kind == ExprKind::assign) {
      names_of(e->terms[0], names_of);
    }
  }
  auto saved_skip = std::move(m_skip);
  m_skip = declared;
  for (auto& e : exprs) {
    collect_expr(*e, scope);
  }
  m_skip = std::move(saved_skip);
  for (auto& e : exprs) {
    if (e->kind == ExprKind::some_decl) {
      for (const auto& var : e->terms) {
        declare(scope, var->name);
      }
    } else if (e->kind == ExprKind::some_in) {
      declare_pattern(e->terms[0], scope);
      declare_pattern(e->terms[1], scope);
    } else if (e->kind == ExprKind::assign) {
      const TermPtr& lhs = e->terms[0];
      if (lhs->kind != TermKind::var && lhs->kind != TermKind::array && lhs->kind != TermKind::object) {
        compile_error(e->loc, "rego_compile_error",
                      "cannot assign to " + std::string(lhs->kind == TermKind::ref ? "ref" : "term"));
      }
      if (lhs->kind == TermKind::var && scope.vars.count(lhs->name) != 0) {
        compile_error(e->loc, "rego_compile_error", fmt::format("var {} assigned above", lhs->name));
      }
      declare_pattern(lhs, scope);
    }
    expr(*e, scope);
  }
}

void Resolver::expr(Expr& e, Scope& scope)
{
  switch (e.kind) {
  case ExprKind::negation:
    expr(*e.negated, scope);
    break;
  case ExprKind::some_decl:
    for (auto& t : e.terms) {
      term(t, scope);
    }
    break;
  case ExprKind::every: {
    term(e.terms[2], scope);
    Scope inner{&scope, {}};
    e.first_slot = frame_size();
    if (e.terms[0]) {
      declare_pattern(e.terms[0], inner);
      term(e.terms[0], inner);
    }
    declare_pattern(e.terms[1], inner);
    term(e.terms[1], inner);
    body(e.body, inner);
    break;
  }
  default:
    for (auto& t : e.terms) {
      if (t) {
        term(t, scope);
      }
    }
  }
  for (auto& w : e.withs) {
    with(w, scope);
  }
}

void Resolver::term(TermPtr& t, Scope& scope)
{
  switch (t->kind) {
  case TermKind::scalar:
    return;
  case TermKind::var: {
    if (t->slot == k_slot_data || t->slot == k_slot_input) {
      return;
    }
    if (const int slot = scope.lookup(t->name); slot >= 0) {
      t->slot = slot;
      return;
    }
    auto prefix = global(t->name, t->loc);
    if (!prefix) {
      t->slot = declare(scope, t->name);
      return;
    }
    if (prefix->size() == 1) {
      t = prefix->front();
      return;
    }
    auto ref = std::make_shared<Term>();
    ref->kind = TermKind::ref;
    ref->loc = t->loc;
    ref->items = std::move(*prefix);
    t = ref;
    return;
  }
  case TermKind::ref: {
    TermPtr& head = t->items.front();
    if (head->kind == TermKind::var && head->slot != k_slot_data && head->slot != k_slot_input &&
        scope.lookup(head->name) < 0) {
      if (auto prefix = global(head->name, head->loc)) {
        std::vector<TermPtr> items = std::move(*prefix);
        items.insert(items.end(), t->items.begin() + 1, t->items.end());
        t->items = std::move(items);
      }
    }
    for (auto& item : t->items) {
      term(item, scope);
    }
    return;
  }
  case TermKind::call: {
    std::string canonical;
    const RuleNode* node = nullptr;
    const Builtin* builtin = nullptr;
    if (t->name == "print" && !function_target(t->name, canonical, node, builtin)) {
      rewrite_print(*t);
    }
    if ((t->name == "rego.metadata.chain" || t->name == "rego.metadata.rule") && t->items.empty() &&
        m_annotations != nullptr && m_rule != nullptr) {
      auto value = std::make_shared<Term>();
      value->loc = t->loc;
      value->value = t->name == "rego.metadata.chain" ? m_annotations->chain(*m_rule) : m_annotations->rule(*m_rule);
      t = value; // known at compile time, as OPA rewrites these calls
      return;
    }
    call(*t);
    for (auto& item : t->items) {
      term(item, scope);
    }
    return;
  }
  case TermKind::array:
  case TermKind::object:
  case TermKind::set:
    for (auto& item : t->items) {
      term(item, scope);
    }
    return;
  case TermKind::array_compr:
  case TermKind::set_compr:
  case TermKind::object_compr: {
    Scope inner{&scope, {}};
    t->slot = frame_size();
    body(t->body, inner);
    collect(t->head, inner);
    term(t->head, inner);
    if (t->head_value) {
      collect(t->head_value, inner);
      term(t->head_value, inner);
    }
    return;
  }
  }
}

void Resolver::rule(Rule& r)
{
  Scope scope;
  for (auto& arg : r.args) {
    arg = clone(arg);
    declare_pattern(arg, scope);
    collect(arg, scope);
    term(arg, scope);
  }
  body(r.body, scope);
  for (auto& key : r.prefix_keys) {
    collect(key, scope);
    term(key, scope);
  }
  if (r.key) {
    collect(r.key, scope);
    term(r.key, scope);
  }
  if (r.value) {
    collect(r.value, scope);
    term(r.value, scope);
  }
  std::set<int> safe;
  for (const auto& arg : r.args) {
    all_slots(*arg, safe);
  }
  order_body(r.body, safe, m_names);
  for (const auto& key : r.prefix_keys) {
    check_term_safe(key, safe, m_names, r.loc);
  }
  if (r.key) {
    check_term_safe(r.key, safe, m_names, r.loc);
  }
  if (r.value) {
    check_term_safe(r.value, safe, m_names, r.loc);
  }
  r.frame_size = frame_size();
}

void Resolver::query(CompiledQuery& q)
{
  Scope scope;
  body(q.body, scope);
  std::set<int> safe;
  order_body(q.body, safe, m_names);
  for (const auto& [name, slot] : scope.vars) {
    if (!name.starts_with("$")) {
      q.bindings.emplace_back(name, slot);
    }
  }
  q.frame_size = frame_size();
}

} // namespace tollgate::rego::detail
