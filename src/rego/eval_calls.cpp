// Calls of built-ins and user functions, and the `with` modifier (input, data and function
// replacement for the span of one expression).

#include "rego/eval.hpp"

#include <fmt/format.h>

namespace tollgate::rego::detail {

namespace {

// `base` with `value` placed at `path` (objects created along the way).
Value upsert(const Value& base, const std::vector<std::string>& path, std::size_t i, const Value& value)
{
  if (i == path.size()) {
    return value;
  }
  Entries entries;
  if (base.is_object()) {
    entries = base.as_object();
  }
  const Value key = Value::string(path[i]);
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = upsert(v, path, i + 1, value);
      return Value::object(std::move(entries));
    }
  }
  entries.emplace_back(key, upsert(Value(), path, i + 1, value));
  return Value::object(std::move(entries));
}

const RuleNode* find_node(const RuleNode& root, const std::vector<std::string>& path)
{
  const RuleNode* node = &root;
  for (const auto& part : path) {
    auto it = node->children.find(part);
    if (it == node->children.end()) {
      return node->has_rules() ? node : nullptr;
    }
    node = it->second.get();
  }
  return node;
}

void shadow(const RuleNode& node, std::vector<char>& shadowed)
{
  shadowed[node.id] = 1;
  for (const auto& [name, child] : node.children) {
    shadow(*child, shadowed);
  }
}

} // namespace

bool Evaluator::call(const Term& t, Frame& frame, Yield yield)
{
  std::vector<Value> args;
  args.reserve(t.items.size());
  return items(t.items, 0, args, frame, [&](std::vector<Value>& values) { return invoke(t, values, yield); });
}

bool Evaluator::invoke(const Term& t, std::vector<Value>& args, Yield yield)
{
  if (!m_state.mocks.empty()) {
    if (auto it = m_state.mocks.find(t.target); it != m_state.mocks.end()) {
      const Mock mock = it->second;
      if (mock.value.defined()) {
        return yield(mock.value);
      }
      // A replacement runs without any replacement in place (it may call the original).
      auto saved_mocks = std::move(m_state.mocks);
      auto saved_cache = std::move(m_state.cache);
      auto saved_cache_state = std::move(m_state.cache_state);
      m_state.mocks.clear();
      m_state.cache.assign(m_compiler.node_count(), Value());
      m_state.cache_state.assign(m_compiler.node_count(), 0);
      Value result;
      try {
        result = mock.builtin != nullptr ? call_builtin(*mock.builtin, args, t) : call_function(*mock.function, args);
      } catch (...) {
        m_state.mocks = std::move(saved_mocks);
        m_state.cache = std::move(saved_cache);
        m_state.cache_state = std::move(saved_cache_state);
        throw;
      }
      m_state.mocks = std::move(saved_mocks);
      m_state.cache = std::move(saved_cache);
      m_state.cache_state = std::move(saved_cache_state);
      return result.defined() ? yield(result) : false;
    }
  }
  if (t.builtin != nullptr) {
    const Value result = call_builtin(*t.builtin, args, t);
    if (!result.defined()) {
      return false;
    }
    if (t.builtin->relation) {
      for (const auto& solution : result.as_array()) {
        if (yield(solution)) {
          return true;
        }
      }
      return false;
    }
    return yield(result);
  }
  const Value result = call_function(*t.function, args);
  return result.defined() ? yield(result) : false;
}

Value Evaluator::call_builtin(const Builtin& builtin, const std::vector<Value>& args, const Term& at)
{
  try {
    return builtin.fn(std::span<const Value>(args.data(), args.size()), m_context);
  } catch (const BuiltinError& error) {
    if (m_strict || error.halt) {
      fail(at.loc, error.code, error.message);
    }
    return {};
  }
}

bool Evaluator::unify_args(const std::vector<TermPtr>& params, const std::vector<Value>& args, std::size_t i,
                           Frame& frame, Next next)
{
  if (i == params.size()) {
    return next();
  }
  return unify_value(*params[i], args[i], frame, [&] { return unify_args(params, args, i + 1, frame, next); });
}

Value Evaluator::call_function(const RuleNode& node, const std::vector<Value>& args)
{
  DepthGuard guard(*this);
  if (args.size() != node.arity) {
    const Rule* rule = node.rules.empty() ? node.default_rule : node.rules.front();
    fail(rule->loc, "eval_type_error", fmt::format("{}: arity mismatch", node.dotted()));
  }
  return single_value(node, args);
}

bool Evaluator::with_expr(const Expr& e, Frame& frame, Next next)
{
  // The replacement values, evaluated in the current state.
  std::vector<Value> values(e.withs.size());
  for (std::size_t i = 0; i < e.withs.size(); ++i) {
    const With& w = e.withs[i];
    if (w.value_builtin != nullptr || w.value_function != nullptr) {
      continue;
    }
    term(*w.value, frame, [&](const Value& v) {
      values[i] = v;
      return true;
    });
    if (!values[i].defined()) {
      return false;
    }
  }
  State replaced;
  replaced.input = m_state.input;
  replaced.data = m_state.data;
  replaced.shadowed = m_state.shadowed;
  replaced.mocks = m_state.mocks;
  replaced.cache.assign(m_compiler.node_count(), Value());
  replaced.cache_state.assign(m_compiler.node_count(), 0);
  for (std::size_t i = 0; i < e.withs.size(); ++i) {
    const With& w = e.withs[i];
    switch (w.kind) {
    case WithKind::input:
      replaced.input = upsert(replaced.input, w.path, 0, values[i]);
      break;
    case WithKind::data: {
      replaced.data = upsert(replaced.data, w.path, 0, values[i]);
      if (const RuleNode* node = find_node(m_compiler.root(), w.path)) {
        shadow(*node, replaced.shadowed);
      }
      break;
    }
    case WithKind::function: {
      Mock mock;
      mock.value = values[i];
      mock.builtin = w.value_builtin;
      mock.function = w.value_function;
      replaced.mocks[w.function] = mock;
      break;
    }
    }
  }
  std::swap(m_state, replaced);
  bool stop = false;
  try {
    stop = expr_core(e, frame, [&] {
      std::swap(m_state, replaced);
      bool result = false;
      try {
        result = next();
      } catch (...) {
        std::swap(m_state, replaced);
        throw;
      }
      std::swap(m_state, replaced);
      return result;
    });
  } catch (...) {
    std::swap(m_state, replaced);
    throw;
  }
  std::swap(m_state, replaced);
  return stop;
}

} // namespace tollgate::rego::detail
