// Rule values: complete rules and functions (one value, else chains, defaults), and the
// documents of multi-value rules and rules with variables in their ref heads, built key by key.

#include "rego/eval.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>

namespace tollgate::rego::detail {

namespace {

// A document under construction for rules with variables in their ref heads: an object of
// entries, a set of members, or a leaf value.
struct DocBuilder {
  std::map<Value, std::unique_ptr<DocBuilder>> entries;
  Value leaf;
  bool is_set = false;
  std::vector<Value> members;

  Value build() const
  {
    if (leaf.defined()) {
      return leaf;
    }
    if (is_set) {
      return Value::set(members);
    }
    Entries out;
    out.reserve(entries.size());
    for (const auto& [k, child] : entries) {
      out.emplace_back(k, child->build());
    }
    return Value::object(std::move(out));
  }
};

} // namespace

Value Evaluator::rule_value(const RuleNode& node)
{
  auto& state = m_state.cache_state[node.id];
  if (state == 2) {
    return m_state.cache[node.id];
  }
  if (state == 1) {
    const Rule* rule = node.rules.empty() ? node.default_rule : node.rules.front();
    fail(rule->loc, "rego_recursion_error", fmt::format("rule {} is recursive", node.dotted()));
  }
  DepthGuard guard(*this);
  state = 1;
  Value result;
  if (node.kind == RuleKind::complete) {
    result = single_value(node, {});
  } else if (node.kind == RuleKind::partial_set && !has_prefix_keys(node)) {
    std::vector<Value> members;
    for (const Rule* rule : node.rules) {
      Frame frame(rule->frame_size);
      body(rule->body, 0, frame, [&] {
        return term(*rule->key, frame, [&](const Value& v) {
          members.push_back(v);
          if (m_coverage != nullptr) {
            covered(rule->loc);
          }
          return false;
        });
      });
    }
    result = Value::set(std::move(members));
  } else if (has_prefix_keys(node)) {
    result = general_value(node);
  } else {
    std::map<Value, Value> entries;
    for (const Rule* rule : node.rules) {
      Frame frame(rule->frame_size);
      body(rule->body, 0, frame, [&] {
        return term(*rule->key, frame, [&](const Value& k) {
          return term(*rule->value, frame, [&](const Value& v) {
            auto [it, inserted] = entries.emplace(k, v);
            if (!inserted && it->second != v) {
              fail(rule->loc, "eval_conflict_error", "object keys must be unique");
            }
            if (m_coverage != nullptr) {
              covered(rule->loc);
            }
            return false;
          });
        });
      });
    }
    result = Value::object(Entries(entries.begin(), entries.end()));
  }
  m_state.cache[node.id] = result;
  m_state.cache_state[node.id] = 2;
  return result;
}

// The one value of a complete rule or of a function applied to `args`: the first definition of
// each else chain that holds; definitions that disagree are a conflict; else the default.
Value Evaluator::single_value(const RuleNode& node, const std::vector<Value>& args)
{
  const char* conflict = node.kind == RuleKind::function ? "functions must not produce multiple outputs for same inputs"
                                                         : "complete rules must not produce multiple outputs";
  Value result;
  for (const Rule* first : node.rules) {
    for (const Rule* rule = first; rule != nullptr; rule = rule->else_rule.get()) {
      bool found = false;
      Frame frame(rule->frame_size);
      unify_args(rule->args, args, 0, frame, [&] {
        return body(rule->body, 0, frame, [&] {
          return term(*rule->value, frame, [&](const Value& v) {
            if (result.defined() && result != v) {
              fail(rule->loc, "eval_conflict_error", conflict);
            }
            result = v;
            found = true;
            if (m_coverage != nullptr) {
              covered(rule->loc);
            }
            return false;
          });
        });
      });
      if (found) {
        break;
      }
    }
  }
  if (!result.defined() && node.default_rule != nullptr) {
    Frame frame(node.default_rule->frame_size);
    term(*node.default_rule->value, frame, [&](const Value& v) {
      result = v;
      return true;
    });
    if (m_coverage != nullptr) {
      covered(node.default_rule->loc);
    }
  }
  return result;
}

// The document of rules with variables before the last part of their heads: each solution puts
// its value (or set member) at the path of its keys; two different values at one path conflict.
Value Evaluator::general_value(const RuleNode& node)
{
  DocBuilder root;
  for (const Rule* rule : node.rules) {
    Frame frame(rule->frame_size);
    std::vector<Value> keys;
    const bool set = rule->kind == RuleKind::partial_set;
    auto place = [&](const Value& leaf) {
      DocBuilder* at = &root;
      const std::size_t depth = keys.size() - (set ? 0 : 1);
      for (std::size_t i = 0; i < depth; ++i) {
        if (at->leaf.defined() || at->is_set) {
          fail(rule->loc, "eval_conflict_error", "object keys must be unique");
        }
        auto& child = at->entries[keys[i]];
        if (!child) {
          child = std::make_unique<DocBuilder>();
        }
        at = child.get();
      }
      if (set) {
        if (at->leaf.defined() || !at->entries.empty()) {
          fail(rule->loc, "eval_conflict_error", "object keys must be unique");
        }
        at->is_set = true;
        at->members.push_back(leaf);
        return false;
      }
      if (at->leaf.defined() || at->is_set) {
        fail(rule->loc, "eval_conflict_error", "object keys must be unique");
      }
      auto& child = at->entries[keys.back()];
      if (!child) {
        child = std::make_unique<DocBuilder>();
      } else if (!child->leaf.defined() || child->leaf != leaf) {
        fail(rule->loc, "eval_conflict_error", "object keys must be unique");
      }
      child->leaf = leaf;
      return false;
    };
    body(rule->body, 0, frame, [&] {
      std::vector<TermPtr> key_terms = rule->prefix_keys;
      key_terms.push_back(rule->key);
      if (!set) {
        key_terms.push_back(rule->value);
      }
      std::vector<Value> values;
      return items(key_terms, 0, values, frame, [&](std::vector<Value>& all) {
        keys.assign(all.begin(), all.end() - 1); // the path; the last value is the member or leaf
        if (m_coverage != nullptr) {
          covered(rule->loc);
        }
        return place(all.back());
      });
    });
  }
  return root.build();
}

bool Evaluator::has_prefix_keys(const RuleNode& node)
{
  for (const Rule* rule : node.rules) {
    if (!rule->prefix_keys.empty()) {
      return true;
    }
  }
  return false;
}

} // namespace tollgate::rego::detail
