#pragma once
// The recursive-descent parser shared by parser.cpp (modules, rules, bodies) and
// parser_terms.cpp (terms and operators). Internal to src/rego.

#include "rego/ast.hpp"
#include "rego/lexer.hpp"

#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tollgate::rego::detail {

// Thrown inside the parser only; parse_module/parse_query turn it into an error value.
struct ParseError {
  RegoError error;
};

struct Operator;

class Parser {
public:
  Parser(Module& module, std::vector<Token> tokens) : m_module(module), m_tokens(std::move(tokens)) {}

  void module();
  Body query();

  // Terms (parser_terms.cpp).
  TermPtr term();       // with the `in` operator
  TermPtr term_comma(); // also `k, v in xs` (expression level and inside parentheses)
  TermPtr relation();   // no `in`, no commas
  TermPtr or_term();
  TermPtr and_term();
  TermPtr arith();
  TermPtr factor();
  TermPtr binary(TermPtr (Parser::*operand)(), std::span<const Operator> operators, bool same_line);
  TermPtr unary();
  TermPtr primary();
  TermPtr postfix(TermPtr base);
  TermPtr brace_term(const Token& open);
  TermPtr bracket_term(const Token& open);
  std::vector<TermPtr> call_args();

  // Rules and bodies (parser.cpp).
  void import_statement();
  void rule();
  void more_bodies(const Rule& first);
  void rule_rest(std::unique_ptr<Rule>& rule, bool& used_if);
  Body body_after_head(bool& used_if);
  Body braced_body();
  Body braced_body_until(Tok close); // expressions up to `close`, consumed
  ExprPtr expr();
  ExprPtr expr_core();
  void withs(Expr& expr);

  // Tokens.
  const Token& peek(std::size_t ahead = 0) const;
  const Token& next();
  bool at(Tok kind) const { return peek().kind == kind; }
  bool at_ident(std::string_view word) const { return peek().kind == Tok::ident && peek().text == word; }
  bool accept(Tok kind);
  bool accept_ident(std::string_view word);
  const Token& expect(Tok kind, std::string_view what);
  [[noreturn]] void error_at(const Token& token, const std::string& message) const;
  [[noreturn]] void unexpected(std::string_view expected) const;
  Location loc(const Token& token) const { return Location{&m_module.file, token.row, token.col}; }

  TermPtr make(TermKind kind, const Token& at) const;
  TermPtr make_call(const std::string& name, std::vector<TermPtr> args, const Token& at) const;
  std::string wildcard_name() { return "$_" + std::to_string(m_wildcards++); }

  struct DepthGuard {
    explicit DepthGuard(Parser& p);
    ~DepthGuard() { --m_p.m_depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser& m_p;
  };

  Module& m_module;
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
  int m_depth = 0;
  int m_wildcards = 0;
  bool m_no_pipe = false; // inside a comprehension head: `|` ends the head
  // Keywords imported with `future.keywords` or `rego.v1`; the others may also be names (Rego v0).
  std::set<std::string, std::less<>> m_keywords;
  bool keyword(std::string_view word) const { return m_keywords.count(word) != 0; }
};

} // namespace tollgate::rego::detail
