// Modules, rules and bodies. Terms are in parser_terms.cpp.

#include "rego/parser.hpp"

#include "rego/annotations.hpp"
#include "rego/compiler.hpp"
#include "rego/parser_impl.hpp"

#include <fmt/format.h>

namespace tollgate::rego {

namespace detail {

const Token& Parser::peek(std::size_t ahead) const
{
  const std::size_t i = std::min(m_pos + ahead, m_tokens.size() - 1);
  return m_tokens[i];
}

const Token& Parser::next()
{
  const Token& token = m_tokens[m_pos];
  if (m_pos + 1 < m_tokens.size()) {
    ++m_pos;
  }
  return token;
}

bool Parser::accept(Tok kind)
{
  if (at(kind)) {
    next();
    return true;
  }
  return false;
}

bool Parser::accept_ident(std::string_view word)
{
  if (at_ident(word)) {
    next();
    return true;
  }
  return false;
}

const Token& Parser::expect(Tok kind, std::string_view what)
{
  if (!at(kind)) {
    unexpected(what);
  }
  return next();
}

void Parser::error_at(const Token& token, const std::string& message) const
{
  throw ParseError{located_error(m_module.file, m_module.source, token.row, token.col, message)};
}

void Parser::unexpected(std::string_view expected) const
{
  const Token& token = peek();
  std::string found = token.kind == Tok::ident    ? fmt::format("`{}`", token.text)
                      : token.kind == Tok::string ? "string"
                      : token.kind == Tok::number ? fmt::format("number `{}`", token.text)
                                                  : std::string(describe(token.kind));
  error_at(token, fmt::format("unexpected {}, expected {}", found, expected));
}

void Parser::module()
{
  const Token start = peek();
  if (!accept_ident("package")) {
    unexpected("`package`");
  }
  m_module.package_loc = loc(start);
  m_module.package.push_back(expect(Tok::ident, "a package name").text);
  while (!peek().newline_before && (at(Tok::dot) || at(Tok::lbracket))) {
    if (accept(Tok::dot)) {
      m_module.package.push_back(expect(Tok::ident, "a name").text);
    } else {
      next();
      m_module.package.push_back(expect(Tok::string, "a string").text);
      expect(Tok::rbracket, "`]`");
    }
  }
  while (!at(Tok::end)) {
    if (at_ident("import")) {
      import_statement(); // anywhere after `package`, as OPA accepts
    } else {
      rule();
    }
  }
}

void Parser::import_statement()
{
  const Token token = next();
  Import import;
  import.loc = loc(token);
  import.path.push_back(expect(Tok::ident, "an import path").text);
  while (!peek().newline_before && (at(Tok::dot) || at(Tok::lbracket))) {
    if (accept(Tok::dot)) {
      import.path.push_back(expect(Tok::ident, "a name").text);
    } else {
      next();
      import.path.push_back(expect(Tok::string, "a string").text);
      expect(Tok::rbracket, "`]`");
    }
  }
  const std::string& root = import.path.front();
  if (root != "data" && root != "input" && root != "future" && root != "rego") {
    error_at(token, fmt::format("invalid import `{}`: must begin with `data` or `input`", root));
  }
  import.alias = import.path.back();
  if (accept_ident("as")) {
    import.alias = expect(Tok::ident, "an alias").text;
  }
  if (root == "rego" || (root == "future" && import.path.size() == 2 && import.path[1] == "keywords")) {
    m_keywords = {"contains", "every", "if", "in"};
  } else if (root == "future" && import.path.size() == 3) {
    m_keywords.insert(import.path[2]);
  }
  if (root == "data" || root == "input") {
    m_module.imports.push_back(std::move(import));
  }
}

Body Parser::query()
{
  Body body = braced_body_until(Tok::end);
  if (body.empty()) {
    unexpected("a query");
  }
  return body;
}

void Parser::rule()
{
  const Token start = peek();
  auto rule = std::make_unique<Rule>();
  rule->loc = loc(start);
  rule->module = &m_module;
  rule->is_default = accept_ident("default");
  const Token name = expect(Tok::ident, "a rule");
  auto first = make(TermKind::scalar, name);
  first->value = Value::string(name.text);
  rule->head_ref.push_back(first);
  while (!peek().newline_before) {
    if (at(Tok::dot) && peek(1).kind == Tok::ident) {
      next();
      const Token part = next();
      auto key = make(TermKind::scalar, part);
      key->value = Value::string(part.text);
      rule->head_ref.push_back(key);
    } else if (accept(Tok::lbracket)) {
      rule->head_ref.push_back(term());
      expect(Tok::rbracket, "`]`");
    } else {
      break;
    }
  }
  bool used_if = false;
  if (at(Tok::lparen) && !peek().newline_before) {
    next();
    rule->kind = RuleKind::function;
    rule->args = call_args();
  }
  bool contains = false;
  if (rule->kind != RuleKind::function && at_ident("contains")) {
    next();
    contains = true;
    rule->key = term();
  } else if (accept(Tok::unify) || accept(Tok::assign)) {
    rule->value = term();
  } else if (rule->is_default) {
    unexpected("`=` or `:=` after a default rule's name");
  }
  rule_rest(rule, used_if);
  const bool braced = !rule->body.empty() && !rule->else_rule && at(Tok::lbrace);

  const TermPtr& last = rule->head_ref.back();
  const bool string_last = last->kind == TermKind::scalar && last->value.is_string();
  if (rule->kind == RuleKind::function) {
    // kind already set
  } else if (contains) {
    rule->kind = RuleKind::partial_set;
  } else if (rule->head_ref.size() > 1 && !string_last && rule->value) {
    rule->kind = RuleKind::partial_object;
    rule->key = last;
    rule->head_ref.pop_back();
  } else if (rule->head_ref.size() > 1 && !rule->value && !used_if && (!string_last || rule->head_ref.size() == 2)) {
    rule->kind = RuleKind::partial_set; // v0: `deny[msg] { ... }`
    rule->key = last;
    rule->head_ref.pop_back();
  } else if (rule->head_ref.size() > 1 && !string_last) {
    rule->kind = RuleKind::partial_object; // v1: `a[x] if ...` maps x to true
    rule->key = last;
    rule->head_ref.pop_back();
  }
  if (!rule->value && rule->kind != RuleKind::partial_set) {
    rule->value = make(TermKind::scalar, start);
    rule->value->value = Value::boolean(true);
  }
  if (rule->is_default && ((rule->kind != RuleKind::complete && rule->kind != RuleKind::function) ||
                           !rule->body.empty() || rule->else_rule)) {
    error_at(start, "a default rule must be a complete rule or function without a body");
  }
  const Rule& defined = *rule;
  m_module.rules.push_back(std::move(rule));
  if (braced) {
    more_bodies(defined);
  }
}

// `p { a } { b }`: each further body defines the rule again with the same head (OPA's v0 syntax).
void Parser::more_bodies(const Rule& first)
{
  while (at(Tok::lbrace)) {
    auto rule = std::make_unique<Rule>();
    rule->kind = first.kind;
    rule->loc = loc(peek());
    rule->module = &m_module;
    for (const auto& part : first.head_ref) {
      rule->head_ref.push_back(clone(part));
    }
    for (const auto& arg : first.args) {
      rule->args.push_back(clone(arg));
    }
    rule->key = clone(first.key);
    rule->value = clone(first.value);
    rule->body = braced_body();
    m_module.rules.push_back(std::move(rule));
  }
}

// The body (and any `else` chain) after a rule's head.
void Parser::rule_rest(std::unique_ptr<Rule>& rule, bool& used_if)
{
  rule->body = body_after_head(used_if);
  Rule* tail = rule.get();
  while (at_ident("else")) {
    const Token token = next();
    auto alternative = std::make_unique<Rule>();
    alternative->kind = rule->kind;
    alternative->loc = loc(token);
    alternative->module = &m_module;
    alternative->head_ref = rule->head_ref;
    alternative->args = rule->args;
    if (accept(Tok::unify) || accept(Tok::assign)) {
      alternative->value = term();
    } else {
      alternative->value = make(TermKind::scalar, token);
      alternative->value->value = Value::boolean(true);
    }
    bool ignored = false;
    alternative->body = body_after_head(ignored);
    tail->else_rule = std::move(alternative);
    tail = tail->else_rule.get();
  }
}

Body Parser::body_after_head(bool& used_if)
{
  if (accept_ident("if")) {
    used_if = true;
    if (at(Tok::lbrace)) {
      return braced_body();
    }
    Body body;
    body.push_back(expr());
    return body;
  }
  if (at(Tok::lbrace)) {
    return braced_body();
  }
  return {};
}

Body Parser::braced_body()
{
  expect(Tok::lbrace, "`{`");
  return braced_body_until(Tok::rbrace);
}

Body Parser::braced_body_until(Tok close)
{
  DepthGuard guard(*this);
  const bool saved = m_no_pipe;
  m_no_pipe = false;
  Body body;
  while (true) {
    while (accept(Tok::semicolon)) {
    }
    if (accept(close)) {
      break;
    }
    body.push_back(expr());
    if (!at(Tok::semicolon) && !at(close) && !peek().newline_before) {
      unexpected(close == Tok::end ? "`;` or a new line" : fmt::format("`;`, a new line or {}", describe(close)));
    }
  }
  m_no_pipe = saved;
  if (body.empty() && close != Tok::end) {
    error_at(peek(), "empty body");
  }
  return body;
}

ExprPtr Parser::expr()
{
  ExprPtr e = expr_core();
  withs(*e);
  return e;
}

ExprPtr Parser::expr_core()
{
  DepthGuard guard(*this);
  const Token start = peek();
  auto e = std::make_shared<Expr>();
  e->loc = loc(start);
  if (accept_ident("not")) {
    e->kind = ExprKind::negation;
    e->negated = expr_core();
    return e;
  }
  if (accept_ident("some")) {
    std::vector<TermPtr> vars{relation()};
    while (accept(Tok::comma)) {
      vars.push_back(relation());
    }
    if (accept_ident("in")) {
      if (vars.size() > 2) {
        error_at(start, "`some ... in` takes one or two variables");
      }
      e->kind = ExprKind::some_in;
      e->terms = {vars.size() == 2 ? vars[0] : nullptr, vars.back(), relation()};
      return e;
    }
    for (const auto& var : vars) {
      if (var->kind != TermKind::var) {
        error_at(start, "`some` declares variables: expected `some x` or `some x in xs`");
      }
    }
    e->kind = ExprKind::some_decl;
    e->terms = std::move(vars);
    return e;
  }
  // `every x in xs { ... }`; without `future.keywords.every`, `every` may also be a name (Rego v0).
  const bool every_form = peek(1).kind == Tok::ident && !peek(1).newline_before &&
                          (peek(2).kind == Tok::comma || (peek(2).kind == Tok::ident && peek(2).text == "in"));
  if (at_ident("every") && (keyword("every") || every_form)) {
    next();
    TermPtr first = relation();
    TermPtr key;
    TermPtr value = first;
    if (accept(Tok::comma)) {
      key = first;
      value = relation();
    }
    if (!accept_ident("in")) {
      unexpected("`in`");
    }
    e->kind = ExprKind::every;
    e->terms = {key, value, relation()};
    e->body = braced_body();
    return e;
  }
  TermPtr lhs = term_comma();
  if (accept(Tok::unify)) {
    e->kind = ExprKind::unify;
    e->terms = {lhs, term_comma()};
  } else if (accept(Tok::assign)) {
    e->kind = ExprKind::assign;
    e->terms = {lhs, term_comma()};
  } else {
    e->terms = {lhs};
  }
  return e;
}

void Parser::withs(Expr& e)
{
  while (at_ident("with")) {
    const Token token = next();
    With with;
    with.loc = loc(token);
    with.target = relation();
    if (!accept_ident("as")) {
      unexpected("`as`");
    }
    with.value = relation();
    e.withs.push_back(std::move(with));
  }
}

} // namespace detail

RegoResult<std::unique_ptr<Module>> parse_module(std::string file, std::string source)
{
  auto module = std::make_unique<Module>();
  module->file = std::move(file);
  module->source = std::move(source);
  std::vector<Comment> comments;
  auto tokens = lex(module->file, module->source, &comments);
  if (!tokens) {
    return std::unexpected(tokens.error());
  }
  try {
    detail::Parser parser(*module, std::move(*tokens));
    parser.module();
  } catch (const detail::ParseError& error) {
    return std::unexpected(error.error);
  }
  if (auto ok = parse_annotations(*module, comments); !ok) {
    return std::unexpected(ok.error());
  }
  return module;
}

RegoResult<Body> parse_query(Module& module)
{
  auto tokens = lex(module.file, module.source);
  if (!tokens) {
    return std::unexpected(tokens.error());
  }
  try {
    detail::Parser parser(module, std::move(*tokens));
    return parser.query();
  } catch (const detail::ParseError& error) {
    return std::unexpected(error.error);
  }
}

} // namespace tollgate::rego
