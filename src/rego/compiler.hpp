#pragma once
// Compilation: modules merged by package into one tree of rules under `data`, names resolved in
// place (frame slots for variables, rule nodes and built-ins for calls, imports expanded),
// expressions reordered so every variable is bound before use ("unsafe variable" otherwise), and
// recursion between rules rejected.

#include "rego/ast.hpp"
#include "rego/error.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tollgate::rego {

// Special slots of the `data` and `input` roots.
inline constexpr int k_slot_data = -2;
inline constexpr int k_slot_input = -3;

// A path under `data`: either a namespace (children only) or the definitions of one rule.
struct RuleNode {
  std::string name;
  std::vector<std::string> path; // from data, e.g. {"pkg", "deny"}
  std::map<std::string, std::unique_ptr<RuleNode>, std::less<>> children;
  std::vector<const Rule*> rules; // each may carry an else chain
  const Rule* default_rule = nullptr;
  RuleKind kind = RuleKind::complete;
  std::size_t arity = 0; // functions
  std::size_t id = 0;    // index into per-evaluation caches
  bool has_rules() const { return !rules.empty() || default_rule != nullptr; }
  std::string dotted() const; // data.pkg.deny
};

// A compiled query (wrapped by engine.hpp's Query): its body, frame size and the named variables to report.
struct CompiledQuery {
  std::unique_ptr<Module> module;    // owns the source text and file name
  Body body;                         // in evaluation order
  std::vector<const Expr*> original; // the expressions as written, for reporting their values
  int frame_size = 0;
  std::vector<std::pair<std::string, int>> bindings; // user-visible variables and their slots
  std::vector<std::string> texts;                    // each expression's source text
};

class Compiler {
public:
  // Parses and adds one module.
  RegoResult<void> add_module(std::string file, std::string source);
  // Merges and checks everything added; call once before queries.
  RegoResult<void> compile();
  // `test_x` defined again in a package becomes `test_x#01`, `test_x#02`... (modules by file name).
  void rename_duplicate_tests();
  // Parses and compiles a query against the compiled modules.
  RegoResult<CompiledQuery> query(const std::string& text) const;

  const RuleNode& root() const { return m_root; }
  std::size_t node_count() const { return m_node_count; }
  const std::vector<std::unique_ptr<Module>>& modules() const { return m_modules; }

private:
  RegoResult<void> insert(Rule& rule, const Module& module);
  RuleNode& node_at(const std::vector<std::string>& path);

  std::vector<std::unique_ptr<Module>> m_modules;
  RuleNode m_root;
  std::size_t m_node_count = 1;
};

// Deep copy of a term (the compiler rewrites terms in place).
TermPtr clone(const TermPtr& term);

} // namespace tollgate::rego
