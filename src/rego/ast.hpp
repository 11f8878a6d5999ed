#pragma once
// The Rego syntax tree. The parser builds it; the compiler then resolves names in place (variable
// slots, rule and built-in targets) so that evaluation never looks anything up by name.

#include "rego/value.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tollgate::rego {

struct Builtin;
struct RuleNode;

struct Location {
  const std::string* file = nullptr; // owned by the Module
  int row = 0;
  int col = 0;
};

struct Term;
struct Expr;
using TermPtr = std::shared_ptr<Term>;
using ExprPtr = std::shared_ptr<Expr>;
using Body = std::vector<ExprPtr>;

enum class TermKind { scalar, var, ref, array, object, set, array_compr, set_compr, object_compr, call };

struct Term {
  TermKind kind = TermKind::scalar;
  Location loc;
  Value value;                // scalar
  std::string name;           // var name; call: the function's dotted name as written
  std::vector<TermPtr> items; // ref: head then path; array/set/call args; object: key, value, key, value...
  TermPtr head;               // comprehension head (object: key)
  TermPtr head_value;         // object comprehension value
  Body body;                  // comprehension body

  // Filled in by the compiler.
  int slot = -1;                      // var: frame slot; comprehension: first slot of its scope
  const Builtin* builtin = nullptr;   // call: built-in target
  const RuleNode* function = nullptr; // call: user function target
  std::string target;                 // call: canonical name (`count`, `data.pkg.f`) for `with` mocks
};

enum class ExprKind { term, unify, assign, negation, some_decl, some_in, every };

enum class WithKind { input, data, function };

struct With {
  TermPtr target; // `input...`, `data...` or a function name (ref)
  TermPtr value;
  Location loc;

  // Filled in by the compiler.
  WithKind kind = WithKind::input;
  std::vector<std::string> path;            // input / data: the path below the root
  std::string function;                     // function: canonical name of the replaced function
  const Builtin* value_builtin = nullptr;   // the replacement is a built-in
  const RuleNode* value_function = nullptr; // the replacement is a user function
};

struct Expr {
  ExprKind kind = ExprKind::term;
  Location loc;
  // term: [t]; unify/assign: [lhs, rhs]; some_decl: vars; some_in/every: [key or null, value, collection]
  std::vector<TermPtr> terms;
  ExprPtr negated; // negation
  Body body;       // every
  std::vector<With> withs;
  int first_slot = 0; // every: the first slot of its own scope (set by the compiler)
};

enum class RuleKind { complete, partial_set, partial_object, function };

struct Module;

struct Rule {
  RuleKind kind = RuleKind::complete;
  Location loc;
  std::vector<TermPtr> head_ref; // the name, then ref-head path terms
  std::vector<TermPtr> args;     // function parameters
  // Ref heads with variables before the last part (`p[x].y := v`, `p[x][y] contains z`): the keys
  // between the rule's node and `key`, set by the compiler (the node is the head's constant prefix).
  std::vector<TermPtr> prefix_keys;
  TermPtr key;   // partial set member / partial object key
  TermPtr value; // complete / function / object value
  Body body;
  bool is_default = false;
  std::unique_ptr<Rule> else_rule;
  const Module* module = nullptr;
  int frame_size = 0; // set by the compiler
};

struct Import {
  std::vector<std::string> path; // e.g. data, lib, x or input, y
  std::string alias;             // the last path element unless `as`
  Location loc;
};

// A `# METADATA` comment block: its scope and its YAML fields as a Rego object.
struct Annotation {
  std::string scope; // package, subpackages, document or rule
  Value fields;      // title, description, custom, ... (scope excluded)
  Location loc;
  const Rule* rule = nullptr; // the rule it precedes (null for package scopes)
};

struct Module {
  std::string file;
  std::string source;
  std::vector<std::string> package; // without the leading `data`
  Location package_loc;
  std::vector<Import> imports;
  std::vector<std::unique_ptr<Rule>> rules;
  std::vector<Annotation> annotations;
};

} // namespace tollgate::rego
