// Terms and operators, lowest precedence first: `in`, comparisons, `|`, `&`, `+ -`, `* / %`,
// unary minus, then primaries with their `.x`, `[t]` and `(args)` suffixes.

#include "rego/parser_impl.hpp"

#include "rego/decimal.hpp"

#include <fmt/format.h>

#include <algorithm>
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
  if (result.ec == std::errc() && std::isfinite(d)) {
    return Value::number(d);
  }
  if (const auto decimal = Decimal::parse(text); result.ec == std::errc::result_out_of_range && decimal) {
    // Beyond a double (`1e1000`): kept exactly, as OPA does. Tiny values round to zero.
    const bool tiny = static_cast<std::int64_t>(decimal->digits.size()) + decimal->exponent < 0;
    return tiny ? Value::integer(0) : Value::big_number(text);
  }
  ok = false;
  return {};
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

struct Operator {
  Tok token;
  const char* builtin;
};

namespace {

constexpr Operator k_relations[] = {{Tok::eq, "equal"}, {Tok::ne, "neq"}, {Tok::lt, "lt"},
                                    {Tok::le, "lte"},   {Tok::gt, "gt"},  {Tok::ge, "gte"}};
constexpr Operator k_or[] = {{Tok::pipe, "or"}};
constexpr Operator k_and[] = {{Tok::amp, "and"}};
constexpr Operator k_arith[] = {{Tok::plus, "plus"}, {Tok::minus, "minus"}};
constexpr Operator k_factor[] = {{Tok::star, "mul"}, {Tok::slash, "div"}, {Tok::percent, "rem"}};

} // namespace

// One level of left-associative operators: `operand (op operand)*`, each op a built-in call.
// With `same_line`, an operator starting a new line ends the term (`x := y` then `-1 ...`).
TermPtr Parser::binary(TermPtr (Parser::*operand)(), std::span<const Operator> operators, bool same_line)
{
  const Token start = peek();
  TermPtr lhs = (this->*operand)();
  while (!(same_line && peek().newline_before)) {
    const auto op = std::find_if(operators.begin(), operators.end(),
                                 [&](const Operator& candidate) { return at(candidate.token); });
    if (op == operators.end() || (op->token == Tok::pipe && m_no_pipe)) {
      return lhs;
    }
    next();
    lhs = make_call(op->builtin, {lhs, (this->*operand)()}, start);
  }
  return lhs;
}

TermPtr Parser::relation()
{
  return binary(&Parser::or_term, k_relations, false);
}

TermPtr Parser::or_term()
{
  return binary(&Parser::and_term, k_or, false);
}

TermPtr Parser::and_term()
{
  return binary(&Parser::arith, k_and, false);
}

TermPtr Parser::arith()
{
  return binary(&Parser::factor, k_arith, true);
}

TermPtr Parser::factor()
{
  return binary(&Parser::unary, k_factor, false);
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
    // Keywords of `future.keywords` are names in Rego v0 modules that do not import them.
    const bool future = token.text == "in" || token.text == "if" || token.text == "every";
    for (const char* word : k_reserved) {
      if (token.text == word && (!future || keyword(token.text))) {
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
