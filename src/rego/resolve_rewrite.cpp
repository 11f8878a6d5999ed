// Rewrites OPA's compiler applies before evaluation, kept here so evaluation agrees with it:
// `print(a, b)` becomes `internal.print([{x | x = a}, {x | x = b}])` (an undefined argument prints
// as `<undefined>`), and the calls and the references in call arguments inside a negation are
// evaluated before it, so that `not f(input.missing)` is undefined rather than true (OPA's
// expression expansion, equals and dynamic term rewriting: `not input.missing == 1` stays true).

#include "rego/resolve.hpp"

namespace tollgate::rego::detail {

namespace {

TermPtr var_term(const std::string& name, const Location& loc)
{
  auto term = std::make_shared<Term>();
  term->kind = TermKind::var;
  term->name = name;
  term->loc = loc;
  return term;
}

ExprPtr unify_expr(const TermPtr& lhs, const TermPtr& rhs, const Location& loc)
{
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::unify;
  e->loc = loc;
  e->terms = {lhs, rhs};
  return e;
}

bool comprehension(const Term& t)
{
  return t.kind == TermKind::array_compr || t.kind == TermKind::set_compr || t.kind == TermKind::object_compr;
}

} // namespace

std::string Resolver::generated_name()
{
  return "$r" + std::to_string(m_generated++);
}

void Resolver::rewrite_print(Term& call)
{
  auto operands = std::make_shared<Term>();
  operands->kind = TermKind::array;
  operands->loc = call.loc;
  for (const auto& arg : call.items) {
    const std::string name = generated_name();
    auto set = std::make_shared<Term>();
    set->kind = TermKind::set_compr;
    set->loc = arg->loc;
    set->head = var_term(name, arg->loc);
    set->body.push_back(unify_expr(var_term(name, arg->loc), arg, arg->loc));
    operands->items.push_back(set);
  }
  call.name = "internal.print";
  call.items = {operands};
}

// Whether `t` names a document (a reference, or a name that resolves to one) rather than a local.
bool Resolver::dynamic_name(const Term& t, const Scope& scope) const
{
  if (t.kind != TermKind::var || t.name.starts_with("$")) {
    return false;
  }
  if (t.name == "input" || t.name == "data") {
    return true;
  }
  return scope.lookup(t.name) < 0 && global(t.name, t.loc).has_value();
}

// Calls nested in `t` are bound to new variables first (OPA's expression expansion).
void Resolver::expand_calls(TermPtr& t, std::vector<ExprPtr>& extras)
{
  if (comprehension(*t)) {
    return;
  }
  for (auto& item : t->items) {
    expand_calls(item, extras);
  }
  if (t->kind == TermKind::call) {
    const TermPtr out = var_term(generated_name(), t->loc);
    extras.push_back(unify_expr(out, t, t->loc));
    t = var_term(out->name, t->loc);
  }
}

// References and comprehensions in `t` are bound to new variables first (OPA's dynamic terms).
void Resolver::pull_dynamic(TermPtr& t, const Scope& scope, std::vector<ExprPtr>& extras)
{
  const bool ref = t->kind == TermKind::ref;
  if (ref) {
    for (std::size_t i = 1; i < t->items.size(); ++i) {
      pull_dynamic(t->items[i], scope, extras);
    }
  } else if (t->kind == TermKind::array || t->kind == TermKind::object || t->kind == TermKind::set) {
    for (auto& item : t->items) {
      pull_dynamic(item, scope, extras);
    }
    return;
  }
  if (ref || comprehension(*t) || dynamic_name(*t, scope)) {
    const TermPtr out = var_term(generated_name(), t->loc);
    extras.push_back(unify_expr(out, t, t->loc));
    t = var_term(out->name, t->loc);
  }
}

// The parts of a reference in `t` (not the reference itself) are pulled out.
void Resolver::pull_dynamic_inside(TermPtr& t, const Scope& scope, std::vector<ExprPtr>& extras)
{
  if (t->kind == TermKind::ref) {
    for (std::size_t i = 1; i < t->items.size(); ++i) {
      pull_dynamic(t->items[i], scope, extras);
    }
  } else if (!comprehension(*t) && !dynamic_name(*t, scope)) {
    pull_dynamic(t, scope, extras);
  }
}

void Resolver::rewrite_negations(Body& exprs, const Scope& scope)
{
  Body out;
  out.reserve(exprs.size());
  for (auto& e : exprs) {
    if (e->kind != ExprKind::negation || e->negated->kind == ExprKind::negation) {
      out.push_back(e);
      continue;
    }
    Expr& inner = *e->negated;
    std::vector<ExprPtr> extras;
    const bool call = inner.kind == ExprKind::term && inner.terms[0]->kind == TermKind::call;
    if (call) {
      for (auto& arg : inner.terms[0]->items) {
        expand_calls(arg, extras);
      }
      // `a == b` is unification by then (OPA rewrites equals first): its references stay.
      const bool equals = inner.terms[0]->name == "equal" && inner.terms[0]->items.size() == 2;
      for (auto& arg : inner.terms[0]->items) {
        if (equals) {
          pull_dynamic_inside(arg, scope, extras);
        } else {
          pull_dynamic(arg, scope, extras);
        }
      }
    } else if (inner.kind == ExprKind::term || inner.kind == ExprKind::unify) {
      for (auto& t : inner.terms) {
        expand_calls(t, extras);
      }
      for (auto& t : inner.terms) {
        pull_dynamic_inside(t, scope, extras);
      }
    }
    for (auto& extra : extras) {
      extra->loc = e->loc;
      for (const auto& w : e->withs) {
        With copy;
        copy.target = clone(w.target);
        copy.value = clone(w.value);
        copy.loc = w.loc;
        extra->withs.push_back(std::move(copy));
      }
      out.push_back(extra);
    }
    out.push_back(e);
  }
  exprs = std::move(out);
}

} // namespace tollgate::rego::detail
