#pragma once
// Name resolution and safety for one rule or query (internal to src/rego): assigns frame slots
// to variables, expands imports and rule names into `data` references, binds calls to built-ins
// or user functions, and orders each body so that every variable is bound before it is used.

#include "rego/annotations.hpp"
#include "rego/compiler.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tollgate::rego::detail {

// Thrown inside the resolver only; the compiler turns it into an error value.
struct CompileError {
  RegoError error;
};

[[noreturn]] void compile_error(const Location& loc, std::string code, std::string message);

// `a.b.c` -> {"a", "b", "c"}.
std::vector<std::string> split_dots(const std::string& name);
// The dotted name of a var or a ref of string keys; empty when the term is not a plain name.
std::string plain_name(const Term& term);

struct Scope {
  Scope* parent = nullptr;
  std::map<std::string, int, std::less<>> vars;
  int lookup(std::string_view name) const;
};

class Resolver {
public:
  // `module` null for queries (no package, no imports).
  Resolver(const RuleNode& root, const Module* module) : m_root(root), m_module(module) {}
  // `rego.metadata.rule()` and `chain()` in the rule being resolved (the head of its else chain).
  void set_annotations(const AnnotationSet* annotations, const Rule* rule)
  {
    m_annotations = annotations;
    m_rule = rule;
  }

  void rule(Rule& rule);
  void query(CompiledQuery& query);

  // Slots declared so far (the frame size) and their names.
  int frame_size() const { return static_cast<int>(m_names.size()); }
  const std::vector<std::string>& names() const { return m_names; }

private:
  int declare(Scope& scope, const std::string& name);
  void declare_pattern(const TermPtr& term, Scope& scope);
  void collect(const TermPtr& term, Scope& scope);
  void collect_expr(const Expr& expr, Scope& scope);
  void body(Body& body, Scope& scope);
  void term(TermPtr& term, Scope& scope);
  void expr(Expr& expr, Scope& scope);
  void with(With& with, Scope& scope);
  void rewrite_output_call(Expr& expr);
  // OPA's rewrites (resolve_rewrite.cpp).
  std::string generated_name();
  void rewrite_print(Term& call);
  bool dynamic_name(const Term& t, const Scope& scope) const;
  void expand_calls(TermPtr& t, std::vector<ExprPtr>& extras);
  void pull_dynamic(TermPtr& t, const Scope& scope, std::vector<ExprPtr>& extras);
  void pull_dynamic_inside(TermPtr& t, const Scope& scope, std::vector<ExprPtr>& extras);
  void rewrite_negations(Body& body, const Scope& scope);
  std::optional<std::vector<TermPtr>> global(const std::string& name, const Location& loc) const;
  const RuleNode* find_node(const std::vector<std::string>& path) const;
  void call(Term& call);
  // A dotted function name to its canonical name, user function node or built-in.
  bool function_target(const std::string& name, std::string& canonical, const RuleNode*& node,
                       const Builtin*& builtin) const;

  const RuleNode& m_root;
  const Module* m_module;
  std::vector<std::string> m_names;
  std::set<std::string> m_skip; // names the body being collected declares explicitly (later)
  int m_generated = 0;          // variables the rewrites introduced
  const AnnotationSet* m_annotations = nullptr;
  const Rule* m_rule = nullptr;
};

// Safety (safety.cpp): reorders `body` so each expression's inputs are bound first; throws
// CompileError naming the first unsafe variable. `safe` holds the slots bound on entry and
// receives those bound on exit.
void order_body(Body& body, std::set<int>& safe, const std::vector<std::string>& names);
// The slots `term` needs bound before it can be evaluated (refs may bind their own path vars).
void check_term_safe(const TermPtr& term, const std::set<int>& safe, const std::vector<std::string>& names,
                     const Location& loc);
// Every variable slot in `term`.
void all_slots(const Term& term, std::set<int>& out);

} // namespace tollgate::rego::detail
