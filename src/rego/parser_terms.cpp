// Terms and operators, lowest precedence first: `in`, comparisons, `|`, `&`, `+ -`, `* / %`,
// unary minus, then primaries with their `.x`, `[t]` and `(args)` suffixes.

#include "rego/parser_impl.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace tollgate::rego::detail {

namespace {

constexpr int k_max_depth = 200;

Value parse_number(const std::string& text, bool& ok)
{
  ok = true;
  const bool integral = text.find_first_of(".eE") == std::string::npos;
  if (integral) {
    std::int64_t i = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), i);
    if (result.ec == std::errc() && result.ptr == text.data() + text.size()) {
      return Value::integer(i);
    }
    if (result.ec == std::errc::result_out_of_range) {
      return Value::big_integer(text);
    }
  }
  double d = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), d);
  if (result.ec != std::errc() || !std::isfinite(d)) {
    ok = false;
    return {};
  }
  return Value::number(d);
}

} // namespace

Parser::DepthGuard::DepthGuard(Parser& p) : m_p(p)
{
  if (++m_p.m_depth > k_max_depth) {
    m_p.error_at(m_p.peek(), "expression nested too deeply");
  }
}

TermPtr Parser::make(TermKind kind, const Token& at) const
{
  auto term = std::make_shared<Term>();
  term->kind = kind;
  term->loc = loc(at);
  return term;
}

TermPtr Parser::make_call(const std::string& name, std::vector<TermPtr> args, const Token& at) const
{
  auto call = make(TermKind::call, at);
  call->name = name;
  call->items = std::move(args);
  return call;
}

TermPtr Parser::term()
{
  DepthGuard guard(*this);
  const Token start = peek();
  TermPtr lhs = relation();
  while (at_ident("in")) {
    next();
    TermPtr rhs = relation();
    lhs = make_call("internal.member_2", {lhs, rhs}, start);
  }
  return lhs;
}

TermPtr Parser::term_comma()
{
  const Token start = peek();
  TermPtr lhs = term();
  if (!at(Tok::comma)) {
    return lhs;
  }
  next();
  TermPtr value = relation();
  if (!accept_ident("in")) {
    unexpected("`in`");
  }
  TermPtr member = make_call("internal.member_3", {lhs, value, relation()}, start);
  while (accept_ident("in")) {
    member = make_call("internal.member_2", {member, relation()}, start);
  }
  return member;
}

TermPtr Parser::relation()
{
  const Token start = peek();
  TermPtr lhs = or_term();
  while (true) {
    const char* op = nullptr;
    switch (peek().kind) {
    case Tok::eq:
      op = "equal";
      break;
    case Tok::ne:
      op = "neq";
      break;
    case Tok::lt:
      op = "lt";
      break;
    case Tok::le:
      op = "lte";
      break;
    case Tok::gt:
      op = "gt";
      break;
    case Tok::ge:
      op = "gte";
      break;
    default:
      return lhs;
    }
    next();
    lhs = make_call(op, {lhs, or_term()}, start);
  }
}

TermPtr Parser::or_term()
{
  const Token start = peek();
  TermPtr lhs = and_term();
  while (!m_no_pipe && at(Tok::pipe)) {
    next();
    lhs = make_call("or", {lhs, and_term()}, start);
  }
  return lhs;
}

TermPtr Parser::and_term()
{
  const Token start = peek();
  TermPtr lhs = arith();
  while (at(Tok::amp)) {
    next();
    lhs = make_call("and", {lhs, arith()}, start);
  }
  return lhs;
}

TermPtr Parser::arith()
{
  const Token start = peek();
  TermPtr lhs = factor();
  while ((at(Tok::plus) || at(Tok::minus)) && !peek().newline_before) {
    const char* op = next().kind == Tok::plus ? "plus" : "minus";
    lhs = make_call(op, {lhs, factor()}, start);
  }
  return lhs;
}

TermPtr Parser::factor()
{
  const Token start = peek();
  TermPtr lhs = unary();
  while (at(Tok::star) || at(Tok::slash) || at(Tok::percent)) {
    const Tok kind = next().kind;
    const char* op = kind == Tok::star ? "mul" : (kind == Tok::slash ? "div" : "rem");
    lhs = make_call(op, {lhs, unary()}, start);
  }
  return lhs;
}

TermPtr Parser::unary()
{
  DepthGuard guard(*this);
  if (!at(Tok::minus)) {
    return primary();
  }
  const Token minus = next();
  if (at(Tok::number) && !peek().newline_before) {
    TermPtr number = primary();
    if (number->kind == TermKind::scalar && number->value.is_number()) {
      const Value& v = number->value;
      number->value = v.is_big()   ? Value::big_integer("-" + v.as_string())
                      : v.is_int() ? Value::integer(-v.as_int())
                                   : Value::number(-v.as_double());
      number->loc = loc(minus);
      return number;
    }
    return make_call("minus", {make(TermKind::scalar, minus), number}, minus);
  }
  auto zero = make(TermKind::scalar, minus);
  zero->value = Value::integer(0);
  return make_call("minus", {zero, unary()}, minus);
}

TermPtr Parser::primary()
{
  DepthGuard guard(*this);
  const Token token = peek();
  switch (token.kind) {
  case Tok::number: {
    next();
    bool ok = false;
    auto term = make(TermKind::scalar, token);
    term->value = parse_number(token.text, ok);
    if (!ok) {
      error_at(token, fmt::format("invalid number `{}`", token.text));
    }
    return postfix(term);
  }
  case Tok::string: {
    next();
    auto term = make(TermKind::scalar, token);
    term->value = Value::string(token.text);
    return postfix(term);
  }
  case Tok::lparen: {
    next();
    const bool saved = m_no_pipe;
    m_no_pipe = false;
    TermPtr inner = term_comma();
    m_no_pipe = saved;
    expect(Tok::rparen, "`)`");
    return postfix(inner);
  }
  case Tok::lbracket:
    next();
    return postfix(bracket_term(token));
  case Tok::lbrace:
    next();
    return postfix(brace_term(token));
  case Tok::ident: {
    static const char* const k_reserved[] = {"package", "import", "not", "with", "as",     "some",
                                             "every",   "in",     "if",  "else", "default"};
    for (const char* word : k_reserved) {
      if (token.text == word) {
        unexpected("a term");
      }
    }
    next();
    auto term = make(TermKind::scalar, token);
    if (token.text == "true" || token.text == "false") {
      term->value = Value::boolean(token.text == "true");
      return term;
    }
    if (token.text == "null") {
      term->value = Value::null();
      return term;
    }
    if (token.text == "set" && at(Tok::lparen) && peek(1).kind == Tok::rparen && !peek().newline_before) {
      next();
      next();
      auto set = make(TermKind::set, token);
      return postfix(set);
    }
    term->kind = TermKind::var;
    term->name = token.text == "_" ? wildcard_name() : token.text;
    return postfix(term);
  }
  default:
    unexpected("a term");
  }
}

// `.name`, `[term]` and `(args)` after a primary; none of them may start a new line.
TermPtr Parser::postfix(TermPtr base)
{
  while (!peek().newline_before) {
    const Token token = peek();
    if (token.kind == Tok::dot && peek(1).kind == Tok::ident) {
      next();
      const Token name = next();
      auto key = make(TermKind::scalar, name);
      key->value = Value::string(name.text);
      if (base->kind != TermKind::ref) {
        auto ref = make(TermKind::ref, token);
        ref->loc = base->loc;
        ref->items.push_back(base);
        base = ref;
      }
      base->items.push_back(key);
    } else if (token.kind == Tok::lbracket) {
      next();
      const bool saved = m_no_pipe;
      m_no_pipe = false;
      TermPtr key = term();
      m_no_pipe = saved;
      expect(Tok::rbracket, "`]`");
      if (base->kind != TermKind::ref) {
        auto ref = make(TermKind::ref, token);
        ref->loc = base->loc;
        ref->items.push_back(base);
        base = ref;
      }
      base->items.push_back(key);
    } else if (token.kind == Tok::lparen) {
      // A call: the callee must be a name or a dotted name.
      std::string name;
      if (base->kind == TermKind::var) {
        name = base->name;
      } else if (base->kind == TermKind::ref && base->items.front()->kind == TermKind::var) {
        name = base->items.front()->name;
        for (std::size_t i = 1; i < base->items.size(); ++i) {
          const auto& part = base->items[i];
          if (part->kind != TermKind::scalar || !part->value.is_string()) {
            error_at(token, "invalid function name");
          }
          name += "." + part->value.as_string();
        }
      } else {
        return base;
      }
      next();
      auto call = make_call(name, call_args(), token);
      call->loc = base->loc;
      base = call;
    } else {
      break;
    }
  }
  return base;
}

std::vector<TermPtr> Parser::call_args()
{
  std::vector<TermPtr> args;
  const bool saved = m_no_pipe;
  m_no_pipe = false;
  while (!at(Tok::rparen)) {
    args.push_back(term());
    if (!accept(Tok::comma)) {
      break;
    }
  }
  m_no_pipe = saved;
  expect(Tok::rparen, "`)` or `,`");
  return args;
}

TermPtr Parser::bracket_term(const Token& open)
{
  auto array = make(TermKind::array, open);
  if (accept(Tok::rbracket)) {
    return array;
  }
  const bool saved = m_no_pipe;
  m_no_pipe = true;
  TermPtr first = term();
  m_no_pipe = saved;
  if (accept(Tok::pipe)) {
    auto compr = make(TermKind::array_compr, open);
    compr->head = first;
    compr->body = braced_body_until(Tok::rbracket);
    return compr;
  }
  array->items.push_back(first);
  m_no_pipe = false;
  while (accept(Tok::comma)) {
    if (at(Tok::rbracket)) {
      break;
    }
    array->items.push_back(term());
  }
  m_no_pipe = saved;
  expect(Tok::rbracket, "`]` or `,`");
  return array;
}

TermPtr Parser::brace_term(const Token& open)
{
  if (accept(Tok::rbrace)) {
    return make(TermKind::object, open);
  }
  const bool saved = m_no_pipe;
  m_no_pipe = true;
  TermPtr first = term();
  if (accept(Tok::colon)) {
    TermPtr value = term();
    m_no_pipe = saved;
    if (accept(Tok::pipe)) {
      auto compr = make(TermKind::object_compr, open);
      compr->head = first;
      compr->head_value = value;
      compr->body = braced_body_until(Tok::rbrace);
      return compr;
    }
    auto object = make(TermKind::object, open);
    object->items = {first, value};
    while (accept(Tok::comma)) {
      if (at(Tok::rbrace)) {
        break;
      }
      object->items.push_back(term());
      expect(Tok::colon, "`:`");
      object->items.push_back(term());
    }
    expect(Tok::rbrace, "`}` or `,`");
    return object;
  }
  m_no_pipe = saved;
  if (accept(Tok::pipe)) {
    auto compr = make(TermKind::set_compr, open);
    compr->head = first;
    compr->body = braced_body_until(Tok::rbrace);
    return compr;
  }
  auto set = make(TermKind::set, open);
  set->items.push_back(first);
  while (accept(Tok::comma)) {
    if (at(Tok::rbrace)) {
      break;
    }
    set->items.push_back(term());
  }
  expect(Tok::rbrace, "`}` or `,`");
  return set;
}

} // namespace tollgate::rego::detail
