#pragma once
// Evaluation: top-down over the compiled rules with backtracking over variable bindings. Each
// step hands its solutions to a continuation; a continuation returns true to stop the search.

#include "rego/builtins.hpp"
#include "rego/compiler.hpp"
#include "rego/engine.hpp"
#include "rego/error.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tollgate::rego {

// Evaluates `query` against the compiled rules and the base document `data`.
RegoResult<std::vector<QueryRow>> evaluate(const Compiler& compiler, const Value& data, const CompiledQuery& query,
                                           const EvalOptions& options);

namespace detail {

// A non-owning reference to a callable (continuations are only called while their creator runs).
template <class Signature> class FnRef;
template <class R, class... Args> class FnRef<R(Args...)> {
public:
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, FnRef>)
      FnRef(F&& f) // NOLINT: implicit on purpose, like std::function_ref
      : m_object(const_cast<void*>(static_cast<const void*>(&f))), m_call([](void* object, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
        })
  {
  }
  R operator()(Args... args) const { return m_call(m_object, std::forward<Args>(args)...); }

private:
  void* m_object;
  R (*m_call)(void*, Args...);
};

using Next = FnRef<bool()>;
using Yield = FnRef<bool(const Value&)>;

// Thrown inside the evaluator only; evaluate() turns it into an error value.
struct EvalFailure {
  RegoError error;
};

struct Frame {
  explicit Frame(int size) : slots(static_cast<std::size_t>(size)) {}
  std::vector<Value> slots;
  Value& at(int slot) { return slots[static_cast<std::size_t>(slot)]; }
};

// What `with f as ...` puts in place of a function.
struct Mock {
  Value value;                        // a constant result
  const Builtin* builtin = nullptr;   // or another built-in
  const RuleNode* function = nullptr; // or a user function
};

class Evaluator {
public:
  Evaluator(const Compiler& compiler, Value data, const EvalOptions& options);

  bool body(const Body& body, std::size_t i, Frame& frame, Next next);
  const Value& last_term_value() const { return m_last_term_value; }

private:
  bool expr(const Expr& e, Frame& frame, Next next);
  bool expr_core(const Expr& e, Frame& frame, Next next);
  bool with_expr(const Expr& e, Frame& frame, Next next);
  bool some_in(const Expr& e, Frame& frame, Next next);
  bool every(const Expr& e, Frame& frame, Next next);

  bool term(const Term& t, Frame& frame, Yield yield);
  bool items(const std::vector<TermPtr>& terms, std::size_t i, std::vector<Value>& out, Frame& frame,
             FnRef<bool(std::vector<Value>&)> done);
  bool comprehension(const Term& t, Frame& frame, Yield yield);
  bool unify_value(const Term& t, const Value& v, Frame& frame, Next next);
  bool unify_terms(const Term& a, const Term& b, Frame& frame, Next next);
  bool unify_objects(const Term& a, const Term& b, Frame& frame, Next next);
  bool unbound_pattern(const Term& t, Frame& frame) const;

  // References (eval_refs.cpp).
  bool ref(const Term& t, Frame& frame, Yield yield);
  bool path(const Value& base, const Term& ref, std::size_t i, Frame& frame, Yield yield);
  bool data_path(const RuleNode* node, const Value& base, const Term& ref, std::size_t i, Frame& frame, Yield yield);
  Value document(const RuleNode& node, const Value& base);
  Value rule_value(const RuleNode& node);
  Value single_value(const RuleNode& node, const std::vector<Value>& args);
  Value general_value(const RuleNode& node);
  static bool has_prefix_keys(const RuleNode& node);

  // Calls (eval_calls.cpp).
  bool call(const Term& t, Frame& frame, Yield yield);
  bool invoke(const Term& t, std::vector<Value>& args, Yield yield);
  Value call_builtin(const Builtin& builtin, const std::vector<Value>& args, const Term& at);
  Value call_function(const RuleNode& node, const std::vector<Value>& args);
  bool unify_args(const std::vector<TermPtr>& params, const std::vector<Value>& args, std::size_t i, Frame& frame,
                  Next next);

  [[noreturn]] void fail(const Location& loc, std::string code, std::string message) const;
  void covered(const Location& loc);
  void check_deadline();

  struct DepthGuard {
    explicit DepthGuard(Evaluator& e);
    ~DepthGuard() { --m_e.m_depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Evaluator& m_e;
  };

  // Everything `with` replaces, swapped in and out around one expression.
  struct State {
    Value input;
    Value data;
    std::vector<char> shadowed; // by node id: `with data.x` replaced this node
    std::map<std::string, Mock, std::less<>> mocks;
    std::vector<Value> cache;              // rule values by node id
    std::vector<std::uint8_t> cache_state; // 0 not computed, 1 computing, 2 done
  };

  const Compiler& m_compiler;
  State m_state;
  bool m_strict;
  BuiltinContext m_context;
  int m_depth = 0;
  Value m_last_term_value;
  Coverage* m_coverage = nullptr;
  std::int64_t m_deadline_ns = 0;
  std::uint32_t m_steps = 0;
};

} // namespace detail

} // namespace tollgate::rego
