// Bodies, expressions and terms, and the query entry point. Unification is in eval_unify.cpp,
// references in eval_refs.cpp, calls and `with` in eval_calls.cpp.

#include "rego/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

namespace tollgate::rego {

namespace detail {

namespace {

constexpr int k_max_depth = 1000; // nested bodies, rules and calls: far below the stack limit, also under ASan

} // namespace

Evaluator::DepthGuard::DepthGuard(Evaluator& e) : m_e(e)
{
  if (++m_e.m_depth > k_max_depth) {
    m_e.fail({}, "eval_internal_error", "evaluation nested too deeply");
  }
}

Evaluator::Evaluator(const Compiler& compiler, Value data, const EvalOptions& options)
    : m_compiler(compiler), m_strict(options.strict_builtin_errors)
{
  m_state.input = options.input;
  m_state.data = std::move(data);
  m_state.shadowed.assign(compiler.node_count(), 0);
  m_state.cache.assign(compiler.node_count(), Value());
  m_state.cache_state.assign(compiler.node_count(), 0);
  m_context.now_ns = options.now_ns;
  m_context.print = options.print;
  m_context.notes = options.notes;
  m_context.runtime = options.runtime;
  m_coverage = options.coverage;
  m_deadline_ns = options.deadline_ns;
  if (m_context.now_ns == 0) {
    m_context.now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
  }
}

void Evaluator::fail(const Location& loc, std::string code, std::string message) const
{
  throw EvalFailure{
      RegoError{std::move(code), std::move(message), loc.file ? *loc.file : std::string(), loc.row, loc.col, {}}};
}

void Evaluator::covered(const Location& loc)
{
  if (loc.file != nullptr) {
    auto it = m_coverage->hits.find(*loc.file);
    if (it == m_coverage->hits.end()) {
      it = m_coverage->hits.emplace(*loc.file, std::set<int>{}).first;
    }
    it->second.insert(loc.row);
  }
}

void Evaluator::check_deadline()
{
  const auto now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch());
  if (now.count() > m_deadline_ns) {
    fail({}, "eval_cancel_error", "caller cancelled query execution (timeout)");
  }
}

bool Evaluator::body(const Body& exprs, std::size_t i, Frame& frame, Next next)
{
  if (i == exprs.size()) {
    return next();
  }
  DepthGuard guard(*this);
  if (m_deadline_ns != 0 && (++m_steps & 0x3FFU) == 0) {
    check_deadline();
  }
  return expr(*exprs[i], frame, [&] { return body(exprs, i + 1, frame, next); });
}

bool Evaluator::expr(const Expr& e, Frame& frame, Next next)
{
  if (m_coverage != nullptr) {
    covered(e.loc);
  }
  if (!e.withs.empty()) {
    return with_expr(e, frame, next);
  }
  return expr_core(e, frame, next);
}

bool Evaluator::expr_core(const Expr& e, Frame& frame, Next next)
{
  switch (e.kind) {
  case ExprKind::term:
    return term(*e.terms[0], frame, [&](const Value& v) {
      if (v.is_false()) {
        return false;
      }
      m_last_term_value = v;
      return next();
    });
  case ExprKind::unify:
  case ExprKind::assign:
    return unify_terms(*e.terms[0], *e.terms[1], frame, next);
  case ExprKind::negation: {
    bool found = false;
    expr(*e.negated, frame, [&] {
      found = true;
      return true;
    });
    return found ? false : next();
  }
  case ExprKind::some_decl:
    return next();
  case ExprKind::some_in:
    return some_in(e, frame, next);
  case ExprKind::every:
    return every(e, frame, next);
  }
  return false;
}

bool Evaluator::some_in(const Expr& e, Frame& frame, Next next)
{
  const Term* key = e.terms[0].get();
  const Term& value = *e.terms[1];
  auto each = [&](const Value& k, const Value& v) {
    if (key == nullptr) {
      return unify_value(value, v, frame, next);
    }
    return unify_value(*key, k, frame, [&] { return unify_value(value, v, frame, next); });
  };
  return term(*e.terms[2], frame, [&](const Value& collection) {
    switch (collection.kind()) {
    case Kind::array: {
      const auto& array = collection.as_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (each(Value::integer(static_cast<std::int64_t>(i)), array[i])) {
          return true;
        }
      }
      return false;
    }
    case Kind::object:
      for (const auto& [k, v] : collection.as_object()) {
        if (each(k, v)) {
          return true;
        }
      }
      return false;
    case Kind::set:
      for (const auto& member : collection.as_set()) {
        if (each(member, member)) {
          return true;
        }
      }
      return false;
    default:
      return false;
    }
  });
}

bool Evaluator::every(const Expr& e, Frame& frame, Next next)
{
  const Term* key = e.terms[0].get();
  const Term& value = *e.terms[1];
  auto holds = [&](const Value& k, const Value& v) {
    bool ok = false;
    auto check = [&] {
      ok = body(e.body, 0, frame, [] { return true; });
      return true;
    };
    if (key == nullptr) {
      unify_value(value, v, frame, check);
    } else {
      unify_value(*key, k, frame, [&] { return unify_value(value, v, frame, check); });
    }
    return ok;
  };
  return term(*e.terms[2], frame, [&](const Value& domain) {
    switch (domain.kind()) {
    case Kind::array: {
      const auto& array = domain.as_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (!holds(Value::integer(static_cast<std::int64_t>(i)), array[i])) {
          return false;
        }
      }
      break;
    }
    case Kind::object:
      for (const auto& [k, v] : domain.as_object()) {
        if (!holds(k, v)) {
          return false;
        }
      }
      break;
    case Kind::set:
      for (const auto& member : domain.as_set()) {
        if (!holds(member, member)) {
          return false;
        }
      }
      break;
    default:
      break; // every over a non-collection holds vacuously
    }
    return next();
  });
}

bool Evaluator::term(const Term& t, Frame& frame, Yield yield)
{
  switch (t.kind) {
  case TermKind::scalar:
    return yield(t.value);
  case TermKind::var: {
    if (t.slot == k_slot_input) {
      return m_state.input.defined() ? yield(m_state.input) : false;
    }
    if (t.slot == k_slot_data) {
      return yield(document(m_compiler.root(), m_state.data));
    }
    const Value& v = frame.at(t.slot);
    return v.defined() ? yield(v) : false;
  }
  case TermKind::ref:
    return ref(t, frame, yield);
  case TermKind::call:
    return call(t, frame, yield);
  case TermKind::array: {
    std::vector<Value> out;
    out.reserve(t.items.size());
    return items(t.items, 0, out, frame, [&](std::vector<Value>& values) { return yield(Value::array(values)); });
  }
  case TermKind::set: {
    std::vector<Value> out;
    out.reserve(t.items.size());
    return items(t.items, 0, out, frame, [&](std::vector<Value>& values) { return yield(Value::set(values)); });
  }
  case TermKind::object: {
    std::vector<Value> out;
    out.reserve(t.items.size());
    return items(t.items, 0, out, frame, [&](std::vector<Value>& values) {
      Entries entries;
      entries.reserve(values.size() / 2);
      for (std::size_t i = 0; i + 1 < values.size(); i += 2) {
        entries.emplace_back(values[i], values[i + 1]);
      }
      return yield(Value::object(std::move(entries)));
    });
  }
  case TermKind::array_compr:
  case TermKind::set_compr:
  case TermKind::object_compr:
    return comprehension(t, frame, yield);
  }
  return false;
}

// Evaluates `terms` left to right, each solution of each, then calls `done` with the values.
bool Evaluator::items(const std::vector<TermPtr>& terms, std::size_t i, std::vector<Value>& out, Frame& frame,
                      FnRef<bool(std::vector<Value>&)> done)
{
  if (i == terms.size()) {
    return done(out);
  }
  const Term& t = *terms[i];
  if (t.kind == TermKind::scalar) {
    out.push_back(t.value);
    const bool stop = items(terms, i + 1, out, frame, done);
    out.pop_back();
    return stop;
  }
  return term(t, frame, [&](const Value& v) {
    out.push_back(v);
    const bool stop = items(terms, i + 1, out, frame, done);
    out.pop_back();
    return stop;
  });
}

bool Evaluator::comprehension(const Term& t, Frame& frame, Yield yield)
{
  if (t.kind == TermKind::object_compr) {
    std::map<Value, Value> entries;
    body(t.body, 0, frame, [&] {
      return term(*t.head, frame, [&](const Value& k) {
        return term(*t.head_value, frame, [&](const Value& v) {
          auto [it, inserted] = entries.emplace(k, v);
          if (!inserted && it->second != v) {
            fail(t.loc, "eval_conflict_error", "object keys must be unique");
          }
          return false;
        });
      });
    });
    return yield(Value::object(Entries(entries.begin(), entries.end())));
  }
  std::vector<Value> out;
  body(t.body, 0, frame, [&] {
    return term(*t.head, frame, [&](const Value& v) {
      out.push_back(v);
      return false;
    });
  });
  return yield(t.kind == TermKind::array_compr ? Value::array(std::move(out)) : Value::set(std::move(out)));
}

} // namespace detail

RegoResult<std::vector<QueryRow>> evaluate(const Compiler& compiler, const Value& data, const CompiledQuery& query,
                                           const EvalOptions& options)
{
  std::vector<QueryRow> rows;
  try {
    detail::Evaluator evaluator(compiler, data, options);
    detail::Frame frame(query.frame_size);
    std::vector<Value> values(query.body.size());
    std::map<const Expr*, std::size_t> position;
    for (std::size_t i = 0; i < query.original.size(); ++i) {
      position[query.original[i]] = i;
    }
    struct Step {
      detail::Evaluator& evaluator;
      const CompiledQuery& query;
      detail::Frame& frame;
      std::vector<Value>& values;
      std::map<const Expr*, std::size_t>& position;
      std::vector<QueryRow>& rows;
      bool run(std::size_t i)
      {
        if (i == query.body.size()) {
          QueryRow row;
          row.expressions = values;
          for (const auto& [name, slot] : query.bindings) {
            const Value& v = frame.at(slot);
            if (v.defined()) {
              row.bindings.emplace_back(name, v);
            }
          }
          rows.push_back(std::move(row));
          return false;
        }
        const Expr& e = *query.body[i];
        Body one{query.body[i]};
        return evaluator.body(one, 0, frame, [&] {
          values[position[&e]] = e.kind == ExprKind::term ? evaluator.last_term_value() : Value::boolean(true);
          return run(i + 1);
        });
      }
    };
    Step step{evaluator, query, frame, values, position, rows};
    step.run(0);
  } catch (const detail::EvalFailure& failure) {
    return std::unexpected(failure.error);
  }
  return rows;
}

} // namespace tollgate::rego
