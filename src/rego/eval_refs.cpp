// References: walking values and the `data` tree, where rules are evaluated (to their full
// extent, once per query and `with` scope) as the walk reaches them.

#include "rego/eval.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace tollgate::rego::detail {

bool Evaluator::ref(const Term& t, Frame& frame, Yield yield)
{
  const Term& head = *t.items.front();
  if (head.kind == TermKind::var && head.slot == k_slot_data) {
    return data_path(&m_compiler.root(), m_state.data, t, 1, frame, yield);
  }
  return term(head, frame, [&](const Value& base) { return path(base, t, 1, frame, yield); });
}

bool Evaluator::path(const Value& base, const Term& ref, std::size_t i, Frame& frame, Yield yield)
{
  if (i == ref.items.size()) {
    return yield(base);
  }
  const Term& key = *ref.items[i];
  if (key.kind == TermKind::scalar) {
    const Value child = base.get(key.value);
    return child.defined() ? path(child, ref, i + 1, frame, yield) : false;
  }
  if (!unbound_pattern(key, frame)) {
    return term(key, frame, [&](const Value& k) {
      const Value child = base.get(k);
      return child.defined() ? path(child, ref, i + 1, frame, yield) : false;
    });
  }
  switch (base.kind()) {
  case Kind::array: {
    const auto& array = base.as_array();
    for (std::size_t n = 0; n < array.size(); ++n) {
      const Value& child = array[n];
      if (unify_value(key, Value::integer(static_cast<std::int64_t>(n)), frame,
                      [&] { return path(child, ref, i + 1, frame, yield); })) {
        return true;
      }
    }
    return false;
  }
  case Kind::object:
    for (const auto& entry : base.as_object()) {
      const Value& child = entry.second; // not a structured binding: clang 14 cannot capture those
      if (unify_value(key, entry.first, frame, [&] { return path(child, ref, i + 1, frame, yield); })) {
        return true;
      }
    }
    return false;
  case Kind::set:
    for (const auto& member : base.as_set()) {
      if (unify_value(key, member, frame, [&] { return path(member, ref, i + 1, frame, yield); })) {
        return true;
      }
    }
    return false;
  default:
    return false;
  }
}

bool Evaluator::data_path(const RuleNode* node, const Value& base, const Term& ref, std::size_t i, Frame& frame,
                          Yield yield)
{
  if (node == nullptr || m_state.shadowed[node->id] != 0) {
    return base.defined() ? path(base, ref, i, frame, yield) : false;
  }
  if (node->has_rules()) {
    const Value v = document(*node, base);
    return v.defined() ? path(v, ref, i, frame, yield) : false;
  }
  if (i == ref.items.size()) {
    return yield(document(*node, base));
  }
  const Term& key = *ref.items[i];
  auto step = [&](const Value& k) {
    if (!k.is_string()) {
      const Value child = base.get(k);
      return child.defined() ? path(child, ref, i + 1, frame, yield) : false;
    }
    auto it = node->children.find(k.as_string());
    const Value child_base = base.is_object() ? base.get(k) : Value();
    if (it == node->children.end()) {
      return child_base.defined() ? path(child_base, ref, i + 1, frame, yield) : false;
    }
    return data_path(it->second.get(), child_base, ref, i + 1, frame, yield);
  };
  if (key.kind == TermKind::scalar) {
    return step(key.value);
  }
  if (!unbound_pattern(key, frame)) {
    return term(key, frame, step);
  }
  // Iterate over the base document's keys and the rules' names together.
  std::set<std::string> names;
  if (base.is_object()) {
    for (const auto& [k, v] : base.as_object()) {
      if (k.is_string()) {
        names.insert(k.as_string());
      }
    }
  }
  for (const auto& [name, child] : node->children) {
    names.insert(name);
  }
  for (const auto& name : names) {
    const Value k = Value::string(name);
    if (unify_value(key, k, frame, [&] { return step(k); })) {
      return true;
    }
  }
  return false;
}

// The document at `node`: its rules' value merged with its children, over the base document.
Value Evaluator::document(const RuleNode& node, const Value& base)
{
  if (m_state.shadowed[node.id] != 0) {
    return base;
  }
  Value own;
  if (node.has_rules()) {
    if (node.kind == RuleKind::function) {
      // Only functions without parameters are part of documents.
      return node.arity == 0 ? call_function(node, {}) : Value();
    }
    own = rule_value(node);
    if (node.children.empty()) {
      return own;
    }
  }
  std::map<Value, Value> entries;
  if (own.is_object()) {
    entries.insert(own.as_object().begin(), own.as_object().end());
  } else if (!node.has_rules() && base.is_object()) {
    entries.insert(base.as_object().begin(), base.as_object().end());
  }
  for (const auto& [name, child] : node.children) {
    const Value k = Value::string(name);
    const Value child_base = base.is_object() ? base.get(k) : Value();
    const Value v = document(*child, child_base);
    if (v.defined()) {
      entries[k] = v;
    }
  }
  return Value::object(Entries(entries.begin(), entries.end()));
}

} // namespace tollgate::rego::detail
