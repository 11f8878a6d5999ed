#include "rego/compiler.hpp"

#include "rego/parser.hpp"
#include "rego/resolve.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <functional>
#include <set>

namespace tollgate::rego {

namespace {

RegoError located(const Location& loc, std::string code, std::string message)
{
  return RegoError{std::move(code), std::move(message), loc.file ? *loc.file : std::string(), loc.row, loc.col, {}};
}

// Rule nodes a term refers to, for recursion detection: the deepest node of each `data` ref's
// constant prefix (and every rule below it when the ref stops at a namespace), and called functions.
void term_dependencies(const Term& t, const RuleNode& root, std::set<const RuleNode*>& out);

void add_subtree(const RuleNode& node, std::set<const RuleNode*>& out)
{
  if (node.has_rules()) {
    out.insert(&node);
  }
  for (const auto& [name, child] : node.children) {
    add_subtree(*child, out);
  }
}

void body_dependencies(const Body& body, const RuleNode& root, std::set<const RuleNode*>& out)
{
  for (const auto& e : body) {
    for (const auto& t : e->terms) {
      if (t) {
        term_dependencies(*t, root, out);
      }
    }
    if (e->negated) {
      Body inner{e->negated};
      body_dependencies(inner, root, out);
    }
    body_dependencies(e->body, root, out);
    for (const auto& w : e->withs) {
      term_dependencies(*w.value, root, out);
      if (w.value_function != nullptr) {
        out.insert(w.value_function);
      }
    }
  }
}

void term_dependencies(const Term& t, const RuleNode& root, std::set<const RuleNode*>& out)
{
  if (t.kind == TermKind::ref && t.items.front()->kind == TermKind::var && t.items.front()->slot == k_slot_data) {
    const RuleNode* node = &root;
    bool stopped = false;
    for (std::size_t i = 1; i < t.items.size(); ++i) {
      const Term& part = *t.items[i];
      if (part.kind != TermKind::scalar || !part.value.is_string()) {
        break;
      }
      auto it = node->children.find(part.value.as_string());
      if (it == node->children.end()) {
        stopped = true;
        break;
      }
      node = it->second.get();
      if (node->has_rules()) {
        stopped = true;
        break;
      }
    }
    if (node->has_rules()) {
      out.insert(node);
    } else if (!stopped) {
      add_subtree(*node, out);
    }
  }
  if (t.kind == TermKind::call && t.function != nullptr) {
    out.insert(t.function);
  }
  for (const auto& item : t.items) {
    term_dependencies(*item, root, out);
  }
  if (t.head) {
    term_dependencies(*t.head, root, out);
  }
  if (t.head_value) {
    term_dependencies(*t.head_value, root, out);
  }
  body_dependencies(t.body, root, out);
}

void rule_dependencies(const Rule& rule, const RuleNode& root, std::set<const RuleNode*>& out)
{
  for (const Rule* r = &rule; r != nullptr; r = r->else_rule.get()) {
    body_dependencies(r->body, root, out);
    for (const auto* t : {&r->key, &r->value}) {
      if (*t) {
        term_dependencies(**t, root, out);
      }
    }
    for (const auto& key : r->prefix_keys) {
      term_dependencies(*key, root, out);
    }
  }
}

void all_nodes(RuleNode& node, std::vector<RuleNode*>& out)
{
  if (node.has_rules()) {
    out.push_back(&node);
  }
  for (auto& [name, child] : node.children) {
    all_nodes(*child, out);
  }
}

} // namespace

std::string RuleNode::dotted() const
{
  std::string out = "data";
  for (const auto& part : path) {
    out += "." + part;
  }
  return out;
}

TermPtr clone(const TermPtr& term)
{
  if (!term) {
    return nullptr;
  }
  auto copy = std::make_shared<Term>(*term);
  for (auto& item : copy->items) {
    item = clone(item);
  }
  copy->head = clone(term->head);
  copy->head_value = clone(term->head_value);
  return copy;
}

RegoResult<void> Compiler::add_module(std::string file, std::string source)
{
  auto module = parse_module(std::move(file), std::move(source));
  if (!module) {
    return std::unexpected(module.error());
  }
  m_modules.push_back(std::move(*module));
  return {};
}

RuleNode& Compiler::node_at(const std::vector<std::string>& path)
{
  RuleNode* node = &m_root;
  for (const auto& part : path) {
    auto& child = node->children[part];
    if (!child) {
      child = std::make_unique<RuleNode>();
      child->name = part;
      child->path = node->path;
      child->path.push_back(part);
      child->id = m_node_count++;
    }
    node = child.get();
  }
  return *node;
}

RegoResult<void> Compiler::insert(Rule& rule, const Module& module)
{
  std::vector<std::string> path = module.package;
  // The rule's node is the head's constant prefix; the parts after it become keys (`p[x].y := v`).
  std::size_t ground = 0;
  while (ground < rule.head_ref.size() && rule.head_ref[ground]->kind == TermKind::scalar &&
         rule.head_ref[ground]->value.is_string()) {
    path.push_back(rule.head_ref[ground++]->value.as_string());
  }
  if (ground < rule.head_ref.size() && rule.prefix_keys.empty()) {
    if (rule.kind == RuleKind::function || rule.is_default) {
      return std::unexpected(located(rule.loc, "rego_type_error",
                                     rule.is_default ? "default rules must not have variables in their ref"
                                                     : "functions must not have variables in their ref"));
    }
    std::vector<TermPtr> rest(rule.head_ref.begin() + static_cast<std::ptrdiff_t>(ground), rule.head_ref.end());
    rule.head_ref.resize(ground);
    if (rule.kind == RuleKind::partial_set) {
      rule.prefix_keys = std::move(rest); // `p[x][y] contains z`
    } else {
      if (rule.kind == RuleKind::partial_object) {
        rest.push_back(rule.key); // `p[x][y] := v`
      }
      rule.key = rest.back(); // `p[x].y := v`
      rest.pop_back();
      rule.prefix_keys = std::move(rest);
      rule.kind = RuleKind::partial_object;
    }
  }
  RuleNode& node = node_at(path);
  if (node.has_rules() && node.kind != rule.kind) {
    return std::unexpected(
        located(rule.loc, "rego_type_error", fmt::format("conflicting rules {} found", node.dotted())));
  }
  if (rule.kind == RuleKind::function && node.has_rules() && node.arity != rule.args.size()) {
    return std::unexpected(
        located(rule.loc, "rego_type_error", fmt::format("conflicting function arities for {}", node.dotted())));
  }
  node.kind = rule.kind;
  node.arity = rule.args.size();
  if (rule.is_default) {
    if (node.default_rule != nullptr) {
      return std::unexpected(
          located(rule.loc, "rego_type_error", fmt::format("multiple default rules {} found", node.dotted())));
    }
    node.default_rule = &rule;
  } else {
    node.rules.push_back(&rule);
  }
  return {};
}

RegoResult<void> Compiler::compile()
{
  std::vector<RegoError> errors;
  for (auto& module : m_modules) {
    node_at(module->package); // an empty package still exists
    for (auto& rule : module->rules) {
      if (auto ok = insert(*rule, *module); !ok) {
        errors.push_back(ok.error());
      }
    }
  }
  if (!errors.empty()) {
    return std::unexpected(combine_errors(std::move(errors)));
  }
  // Every rule is resolved, so that every error of the run is reported at once.
  const AnnotationSet annotations(m_modules);
  for (auto& module : m_modules) {
    for (auto& rule : module->rules) {
      for (Rule* r = rule.get(); r != nullptr; r = r->else_rule.get()) {
        try {
          detail::Resolver resolver(m_root, module.get());
          resolver.set_annotations(&annotations, rule.get());
          resolver.rule(*r);
        } catch (const detail::CompileError& error) {
          errors.push_back(error.error);
          break;
        }
      }
    }
  }
  if (!errors.empty()) {
    return std::unexpected(combine_errors(std::move(errors)));
  }
  // Recursion: depth-first search over rule dependencies.
  std::vector<RuleNode*> nodes;
  all_nodes(m_root, nodes);
  std::map<const RuleNode*, std::set<const RuleNode*>> edges;
  for (RuleNode* node : nodes) {
    auto& out = edges[node];
    for (const Rule* rule : node->rules) {
      rule_dependencies(*rule, m_root, out);
    }
    if (node->default_rule != nullptr) {
      rule_dependencies(*node->default_rule, m_root, out);
    }
  }
  std::map<const RuleNode*, int> state; // 1 visiting, 2 done
  std::vector<const RuleNode*> stack;
  std::function<std::optional<RegoError>(const RuleNode*)> visit =
      [&](const RuleNode* node) -> std::optional<RegoError> {
    state[node] = 1;
    stack.push_back(node);
    for (const RuleNode* dep : edges[node]) {
      if (state[dep] == 1) {
        std::string cycle;
        bool in_cycle = false;
        for (const RuleNode* n : stack) {
          in_cycle = in_cycle || n == dep;
          if (in_cycle) {
            cycle += n->dotted() + " -> ";
          }
        }
        const Rule* rule = dep->rules.empty() ? dep->default_rule : dep->rules.front();
        return located(rule->loc, "rego_recursion_error",
                       fmt::format("rule {} is recursive: {}{}", dep->dotted(), cycle, dep->dotted()));
      }
      if (state[dep] == 0) {
        if (auto error = visit(dep)) {
          return error;
        }
      }
    }
    stack.pop_back();
    state[node] = 2;
    return std::nullopt;
  };
  for (const RuleNode* node : nodes) {
    if (state[node] == 0) {
      if (auto error = visit(node)) {
        errors.push_back(*error);
        for (const RuleNode* on_stack : stack) {
          state[on_stack] = 2; // reported once, the search goes on with the other rules
        }
        stack.clear();
      }
    }
  }
  if (!errors.empty()) {
    return std::unexpected(combine_errors(std::move(errors)));
  }
  return {};
}

void Compiler::rename_duplicate_tests()
{
  std::vector<Module*> sorted;
  for (auto& module : m_modules) {
    sorted.push_back(module.get());
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const Module* a, const Module* b) { return a->file < b->file; });
  std::map<std::string, int> seen;
  for (Module* module : sorted) {
    for (auto& rule : module->rules) {
      std::string key = fmt::format("{}", fmt::join(module->package, "."));
      for (const auto& part : rule->head_ref) {
        if (part->kind != TermKind::scalar || !part->value.is_string()) {
          break;
        }
        const std::string& name = part->value.as_string();
        key += "." + name;
        if (name.starts_with("test_")) {
          if (const int count = seen[key]++; count > 0) {
            part->value = Value::string(fmt::format("{}#{:02}", name, count));
          }
          break;
        }
      }
    }
  }
}

RegoResult<CompiledQuery> Compiler::query(const std::string& text) const
{
  CompiledQuery q;
  q.module = std::make_unique<Module>();
  q.module->file = "query";
  q.module->source = text;
  auto body = parse_query(*q.module);
  if (!body) {
    return std::unexpected(body.error());
  }
  q.body = std::move(*body);
  for (const auto& e : q.body) {
    q.original.push_back(e.get());
  }
  // Each expression's text: from its start to the next expression's start.
  std::vector<std::size_t> offsets;
  for (const auto& e : q.body) {
    std::size_t offset = 0;
    for (int row = 1; row < e->loc.row; ++row) {
      offset = text.find('\n', offset) + 1;
    }
    offsets.push_back(offset + static_cast<std::size_t>(e->loc.col - 1));
  }
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::size_t end = i + 1 < offsets.size() ? offsets[i + 1] : text.size();
    std::string piece = text.substr(offsets[i], end - offsets[i]);
    while (!piece.empty() && (piece.back() == ';' || std::isspace(static_cast<unsigned char>(piece.back())) != 0)) {
      piece.pop_back();
    }
    q.texts.push_back(piece);
  }
  try {
    detail::Resolver resolver(m_root, nullptr);
    resolver.query(q);
  } catch (const detail::CompileError& error) {
    return std::unexpected(error.error);
  }
  return q;
}

} // namespace tollgate::rego
