#pragma once
// Rego tokens. Newlines separate expressions, so each token records whether one came before it.

#include "rego/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::rego {

enum class Tok {
  end,
  ident,
  string, // value already unescaped (raw strings too)
  number, // text as written
  lbrace,
  rbrace,
  lbracket,
  rbracket,
  lparen,
  rparen,
  dot,
  comma,
  semicolon,
  colon,
  assign, // :=
  unify,  // =
  eq,     // ==
  ne,     // !=
  lt,
  le,
  gt,
  ge,
  plus,
  minus,
  star,
  slash,
  percent,
  pipe,
  amp,
};

struct Token {
  Tok kind = Tok::end;
  std::string text; // identifier, unescaped string, or number text
  int row = 1;
  int col = 1;
  bool newline_before = false;
};

// A `#` comment: where it starts and its text after the `#`.
struct Comment {
  int row = 0;
  int col = 0;
  std::string text;
};

// Splits `source` into tokens; the last one is Tok::end. Errors are `rego_parse_error`s.
// `comments`, when given, receives the comments (METADATA annotations live in them).
RegoResult<std::vector<Token>> lex(std::string_view file, std::string_view source,
                                   std::vector<Comment>* comments = nullptr);

// A parse error at `row`:`col`, its detail the source line and a caret under the column.
RegoError located_error(std::string_view file, std::string_view source, int row, int col, std::string_view message);

std::string_view describe(Tok kind);

} // namespace tollgate::rego
