// Safety: every variable must be bound before it is read. Expressions are reordered, as OPA
// does, so that those binding a variable come before those reading it; when no order works the
// first unsafe variable is reported (`rego_unsafe_var_error`).

#include "rego/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::rego::detail {

namespace {

// What an expression needs bound, and what it binds.
struct Use {
  std::set<int> needs;    // must be bound before
  std::set<int> patterns; // bound by unification when the other side can be evaluated
  std::set<int> outputs;  // bound by iterating a reference
};

void analyze(const Term& t, bool pattern, Use& use);

// Slots of an enclosing scope read inside a comprehension or `every` (slots below `first`).
void closure(const Term& t, int first, std::set<int>& needs)
{
  std::set<int> slots;
  all_slots(t, slots);
  for (const int slot : slots) {
    if (slot < first) {
      needs.insert(slot);
    }
  }
}

void analyze_path_item(const Term& t, Use& use)
{
  if (t.kind == TermKind::var && t.slot >= 0) {
    use.outputs.insert(t.slot);
  } else if (t.kind == TermKind::array || t.kind == TermKind::object) {
    for (const auto& item : t.items) {
      analyze_path_item(*item, use);
    }
  } else {
    analyze(t, false, use);
  }
}

void analyze(const Term& t, bool pattern, Use& use)
{
  switch (t.kind) {
  case TermKind::scalar:
    return;
  case TermKind::var:
    if (t.slot >= 0) {
      (pattern ? use.patterns : use.needs).insert(t.slot);
    }
    return;
  case TermKind::ref: {
    const Term& head = *t.items.front();
    if (head.kind == TermKind::var) {
      if (head.slot >= 0) {
        use.needs.insert(head.slot);
      }
    } else {
      analyze(head, false, use);
    }
    for (std::size_t i = 1; i < t.items.size(); ++i) {
      analyze_path_item(*t.items[i], use);
    }
    return;
  }
  case TermKind::array:
    for (const auto& item : t.items) {
      analyze(*item, pattern, use);
    }
    return;
  case TermKind::object:
    for (std::size_t i = 0; i < t.items.size(); ++i) {
      analyze(*t.items[i], pattern && i % 2 == 1, use);
    }
    return;
  case TermKind::set:
  case TermKind::call:
    for (const auto& item : t.items) {
      analyze(*item, false, use);
    }
    return;
  case TermKind::array_compr:
  case TermKind::set_compr:
  case TermKind::object_compr:
    closure(t, t.slot, use.needs);
    return;
  }
}

bool subset(const std::set<int>& a, const std::set<int>& b)
{
  return std::all_of(a.begin(), a.end(), [&](int x) { return b.count(x) != 0; });
}

// Whether unifying `a` with `b` can bind every pattern variable given `safe`.
bool can_unify(const Term& a, const Term& b, const std::set<int>& safe)
{
  if (a.kind == TermKind::array && b.kind == TermKind::array && a.items.size() == b.items.size()) {
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (!can_unify(*a.items[i], *b.items[i], safe)) {
        return false;
      }
    }
    return true;
  }
  if (a.kind == TermKind::object && b.kind == TermKind::object && a.items.size() == b.items.size()) {
    for (std::size_t i = 0; i < a.items.size(); i += 2) {
      const Term* match = nullptr;
      for (std::size_t j = 0; j < b.items.size(); j += 2) {
        if (a.items[i]->kind == TermKind::scalar && b.items[j]->kind == TermKind::scalar &&
            a.items[i]->value == b.items[j]->value) {
          match = b.items[j + 1].get();
        }
      }
      if (match == nullptr || !can_unify(*a.items[i + 1], *match, safe)) {
        break;
      }
      if (i + 2 == a.items.size()) {
        return true;
      }
    }
  }
  Use ua;
  Use ub;
  analyze(a, true, ua);
  analyze(b, true, ub);
  return subset(ua.patterns, safe) || subset(ub.patterns, safe);
}

void expr_use(const Expr& e, Use& use, const std::vector<std::string>& names)
{
  switch (e.kind) {
  case ExprKind::term:
    analyze(*e.terms[0], false, use);
    break;
  case ExprKind::unify:
  case ExprKind::assign:
    analyze(*e.terms[0], true, use);
    analyze(*e.terms[1], true, use);
    break;
  case ExprKind::negation: {
    Use inner;
    expr_use(*e.negated, inner, names);
    for (const auto* set : {&inner.needs, &inner.patterns, &inner.outputs}) {
      for (const int slot : *set) {
        if (!names[static_cast<std::size_t>(slot)].starts_with("$_")) {
          use.needs.insert(slot);
        }
      }
    }
    break;
  }
  case ExprKind::some_decl:
    break;
  case ExprKind::some_in:
    analyze(*e.terms[2], false, use);
    if (e.terms[0]) {
      analyze(*e.terms[0], true, use);
    }
    analyze(*e.terms[1], true, use);
    break;
  case ExprKind::every:
    analyze(*e.terms[2], false, use);
    for (const auto& inner : e.body) {
      std::set<int> slots;
      for (const auto& t : inner->terms) {
        if (t) {
          all_slots(*t, slots);
        }
      }
      if (inner->negated) {
        for (const auto& t : inner->negated->terms) {
          if (t) {
            all_slots(*t, slots);
          }
        }
      }
      for (const int slot : slots) {
        if (slot < e.first_slot) {
          use.needs.insert(slot);
        }
      }
    }
    break;
  }
  for (const auto& w : e.withs) {
    analyze(*w.value, false, use);
  }
}

bool ready(const Expr& e, const std::set<int>& safe, const std::vector<std::string>& names)
{
  Use use;
  expr_use(e, use, names);
  if (!subset(use.needs, safe)) {
    return false;
  }
  if (e.kind == ExprKind::unify || e.kind == ExprKind::assign) {
    std::set<int> with_outputs = safe;
    with_outputs.insert(use.outputs.begin(), use.outputs.end());
    return can_unify(*e.terms[0], *e.terms[1], with_outputs);
  }
  if (e.kind == ExprKind::term) {
    return subset(use.patterns, safe);
  }
  return true;
}

void bind(const Expr& e, std::set<int>& safe, const std::vector<std::string>& names)
{
  Use use;
  expr_use(e, use, names);
  safe.insert(use.outputs.begin(), use.outputs.end());
  safe.insert(use.patterns.begin(), use.patterns.end());
}

void order_nested_term(const TermPtr& t, const std::set<int>& safe, const std::vector<std::string>& names);

void order_nested_expr(const Expr& e, const std::set<int>& safe, const std::vector<std::string>& names)
{
  for (const auto& t : e.terms) {
    if (t) {
      order_nested_term(t, safe, names);
    }
  }
  if (e.negated) {
    order_nested_expr(*e.negated, safe, names);
  }
  for (const auto& w : e.withs) {
    order_nested_term(w.value, safe, names);
  }
}

// Orders the bodies of comprehensions inside `t`, given the variables bound around them.
void order_nested_term(const TermPtr& t, const std::set<int>& safe, const std::vector<std::string>& names)
{
  if (t->kind == TermKind::array_compr || t->kind == TermKind::set_compr || t->kind == TermKind::object_compr) {
    std::set<int> inner = safe;
    order_body(t->body, inner, names);
    check_term_safe(t->head, inner, names, t->loc);
    if (t->head_value) {
      check_term_safe(t->head_value, inner, names, t->loc);
    }
    return;
  }
  for (const auto& item : t->items) {
    order_nested_term(item, safe, names);
  }
}

// The unsafe variables of the expressions no order can evaluate, each once at the first
// expression that uses it (OPA reports every one); generated names only when nothing else is.
RegoError unsafe_errors(const std::vector<ExprPtr>& stuck, const std::set<int>& safe,
                        const std::vector<std::string>& names)
{
  std::vector<RegoError> errors;
  std::set<std::string> seen;
  auto report = [&](const Expr& e, const std::string& name) {
    if (seen.insert(name).second) {
      errors.push_back(RegoError{"rego_unsafe_var_error",
                                 fmt::format("var {} is unsafe", name),
                                 e.loc.file ? *e.loc.file : std::string(),
                                 e.loc.row,
                                 e.loc.col,
                                 {}});
    }
  };
  // Variables read before anything can bind them first; those only unified with each other
  // (`x = y`) when there are none.
  for (const bool patterns : {false, true}) {
    for (const auto& e : stuck) {
      Use use;
      expr_use(*e, use, names);
      for (const int slot : patterns ? use.patterns : use.needs) {
        const std::string& name = names[static_cast<std::size_t>(slot)];
        if (safe.count(slot) == 0 && !name.starts_with("$")) {
          report(*e, name);
        }
      }
    }
    if (!errors.empty()) {
      break;
    }
  }
  if (errors.empty()) {
    report(*stuck.front(), "_");
  }
  return combine_errors(std::move(errors));
}

} // namespace

void all_slots(const Term& t, std::set<int>& out)
{
  if (t.kind == TermKind::var && t.slot >= 0) {
    out.insert(t.slot);
  }
  for (const auto& item : t.items) {
    all_slots(*item, out);
  }
  for (const auto* part : {&t.head, &t.head_value}) {
    if (*part) {
      all_slots(**part, out);
    }
  }
  for (const auto& e : t.body) {
    for (const auto& term : e->terms) {
      if (term) {
        all_slots(*term, out);
      }
    }
    if (e->negated) {
      for (const auto& term : e->negated->terms) {
        if (term) {
          all_slots(*term, out);
        }
      }
    }
    for (const auto& w : e->withs) {
      all_slots(*w.value, out);
    }
  }
}

void check_term_safe(const TermPtr& term, const std::set<int>& safe, const std::vector<std::string>& names,
                     const Location& loc)
{
  Use use;
  analyze(*term, false, use);
  for (const int slot : use.needs) {
    if (safe.count(slot) == 0) {
      const std::string& name = names[static_cast<std::size_t>(slot)];
      compile_error(loc, "rego_unsafe_var_error", fmt::format("var {} is unsafe", name.starts_with("$_") ? "_" : name));
    }
  }
  std::set<int> inner = safe;
  inner.insert(use.outputs.begin(), use.outputs.end());
  order_nested_term(term, inner, names);
}

void order_body(Body& body, std::set<int>& safe, const std::vector<std::string>& names)
{
  Body ordered;
  ordered.reserve(body.size());
  std::vector<ExprPtr> remaining(body.begin(), body.end());
  while (!remaining.empty()) {
    auto it =
        std::find_if(remaining.begin(), remaining.end(), [&](const ExprPtr& e) { return ready(*e, safe, names); });
    if (it == remaining.end()) {
      throw CompileError{unsafe_errors(remaining, safe, names)};
    }
    ExprPtr e = *it;
    remaining.erase(it);
    order_nested_expr(*e, safe, names);
    if (e->kind == ExprKind::every) {
      std::set<int> inner = safe;
      if (e->terms[0]) {
        all_slots(*e->terms[0], inner);
      }
      all_slots(*e->terms[1], inner);
      order_body(e->body, inner, names);
    }
    bind(*e, safe, names);
    ordered.push_back(std::move(e));
  }
  body = std::move(ordered);
}

} // namespace tollgate::rego::detail
