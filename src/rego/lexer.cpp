#include "rego/lexer.hpp"

#include <fmt/format.h>

#include <cctype>

namespace tollgate::rego {

namespace {

bool ident_start(char c)
{
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool ident_char(char c)
{
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool digit(char c)
{
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

void append_utf8(std::string& out, unsigned code)
{
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

class Lexer {
public:
  Lexer(std::string_view file, std::string_view source, std::vector<Comment>* comments)
      : m_file(file), m_src(source), m_comments(comments)
  {
  }

  RegoResult<std::vector<Token>> run()
  {
    std::vector<Token> tokens;
    bool newline = false;
    while (true) {
      newline = skip_space() || newline;
      Token token;
      token.row = m_row;
      token.col = m_col;
      token.newline_before = newline;
      newline = false;
      if (m_pos >= m_src.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      if (auto error = next(token); !error.empty()) {
        return std::unexpected(located_error(m_file, m_src, token.row, token.col, error));
      }
      tokens.push_back(std::move(token));
    }
  }

private:
  char peek(std::size_t ahead = 0) const { return m_pos + ahead < m_src.size() ? m_src[m_pos + ahead] : '\0'; }

  void advance()
  {
    if (m_src[m_pos] == '\n') {
      ++m_row;
      m_col = 1;
    } else {
      ++m_col;
    }
    ++m_pos;
  }

  // Skips blanks and comments; true when a newline was crossed.
  bool skip_space()
  {
    bool newline = false;
    while (m_pos < m_src.size()) {
      const char c = m_src[m_pos];
      if (c == '\n') {
        newline = true;
        advance();
      } else if (c == ' ' || c == '\t' || c == '\r') {
        advance();
      } else if (c == '#') {
        Comment comment{m_row, m_col, {}};
        const std::size_t start = m_pos + 1;
        while (m_pos < m_src.size() && m_src[m_pos] != '\n') {
          advance();
        }
        if (m_comments != nullptr) {
          comment.text = std::string(m_src.substr(start, m_pos - start));
          m_comments->push_back(std::move(comment));
        }
      } else {
        break;
      }
    }
    return newline;
  }

  std::string next(Token& token)
  {
    const char c = peek();
    if (ident_start(c)) {
      const std::size_t start = m_pos;
      while (m_pos < m_src.size() && ident_char(m_src[m_pos])) {
        advance();
      }
      token.kind = Tok::ident;
      token.text = std::string(m_src.substr(start, m_pos - start));
      return {};
    }
    if (digit(c) || (c == '.' && digit(peek(1)))) {
      return number(token);
    }
    if (c == '"') {
      return quoted(token);
    }
    if (c == '`') {
      advance();
      const std::size_t start = m_pos;
      while (m_pos < m_src.size() && m_src[m_pos] != '`') {
        advance();
      }
      if (m_pos >= m_src.size()) {
        return "unterminated raw string";
      }
      token.kind = Tok::string;
      token.text = std::string(m_src.substr(start, m_pos - start));
      advance();
      return {};
    }
    return punctuation(token);
  }

  std::string number(Token& token)
  {
    const std::size_t start = m_pos;
    while (digit(peek())) {
      advance();
    }
    if (peek() == '.' && digit(peek(1))) {
      advance();
      while (digit(peek())) {
        advance();
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      std::size_t ahead = 1;
      if (peek(1) == '+' || peek(1) == '-') {
        ahead = 2;
      }
      if (digit(peek(ahead))) {
        for (std::size_t i = 0; i < ahead; ++i) {
          advance();
        }
        while (digit(peek())) {
          advance();
        }
      }
    }
    if (ident_start(peek())) {
      return "invalid number";
    }
    token.kind = Tok::number;
    token.text = std::string(m_src.substr(start, m_pos - start));
    return {};
  }

  std::string quoted(Token& token)
  {
    advance();
    std::string out;
    while (true) {
      if (m_pos >= m_src.size() || peek() == '\n') {
        return "unterminated string";
      }
      const char c = peek();
      if (c == '"') {
        advance();
        break;
      }
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      advance();
      const char e = peek();
      if (m_pos >= m_src.size()) {
        return "unterminated string";
      }
      advance();
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned code = 0;
        if (!hex4(code)) {
          return "invalid \\u escape in string";
        }
        if (code >= 0xD800 && code < 0xDC00 && peek() == '\\' && peek(1) == 'u') {
          advance();
          advance();
          unsigned low = 0;
          if (!hex4(low)) {
            return "invalid \\u escape in string";
          }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, code);
        break;
      }
      default:
        return fmt::format("invalid escape `\\{}` in string", e);
      }
    }
    token.kind = Tok::string;
    token.text = std::move(out);
    return {};
  }

  bool hex4(unsigned& code)
  {
    for (int i = 0; i < 4; ++i) {
      const char h = peek();
      if (std::isxdigit(static_cast<unsigned char>(h)) == 0) {
        return false;
      }
      code = code * 16 + static_cast<unsigned>(digit(h) ? h - '0' : (std::tolower(h) - 'a' + 10));
      advance();
    }
    return true;
  }

  std::string punctuation(Token& token)
  {
    const char c = peek();
    const char d = peek(1);
    auto two = [&](Tok kind) {
      advance();
      advance();
      token.kind = kind;
      return std::string();
    };
    auto one = [&](Tok kind) {
      advance();
      token.kind = kind;
      return std::string();
    };
    switch (c) {
    case '{':
      return one(Tok::lbrace);
    case '}':
      return one(Tok::rbrace);
    case '[':
      return one(Tok::lbracket);
    case ']':
      return one(Tok::rbracket);
    case '(':
      return one(Tok::lparen);
    case ')':
      return one(Tok::rparen);
    case '.':
      return one(Tok::dot);
    case ',':
      return one(Tok::comma);
    case ';':
      return one(Tok::semicolon);
    case ':':
      return d == '=' ? two(Tok::assign) : one(Tok::colon);
    case '=':
      return d == '=' ? two(Tok::eq) : one(Tok::unify);
    case '!':
      if (d == '=') {
        return two(Tok::ne);
      }
      break;
    case '<':
      return d == '=' ? two(Tok::le) : one(Tok::lt);
    case '>':
      return d == '=' ? two(Tok::ge) : one(Tok::gt);
    case '+':
      return one(Tok::plus);
    case '-':
      return one(Tok::minus);
    case '*':
      return one(Tok::star);
    case '/':
      return one(Tok::slash);
    case '%':
      return one(Tok::percent);
    case '|':
      return one(Tok::pipe);
    case '&':
      return one(Tok::amp);
    default:
      break;
    }
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) {
      return fmt::format("unexpected character (byte 0x{:02x})", u);
    }
    return fmt::format("unexpected character `{}`", c);
  }

  std::string_view m_file;
  std::string_view m_src;
  std::vector<Comment>* m_comments;
  std::size_t m_pos = 0;
  int m_row = 1;
  int m_col = 1;
};

} // namespace

RegoResult<std::vector<Token>> lex(std::string_view file, std::string_view source, std::vector<Comment>* comments)
{
  return Lexer(file, source, comments).run();
}

RegoError located_error(std::string_view file, std::string_view source, int row, int col, std::string_view message)
{
  RegoError out{"rego_parse_error", std::string(message), std::string(file), row, col, {}};
  std::size_t start = 0;
  for (int r = 1; r < row && start < source.size(); ++r) {
    const std::size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) {
      return out;
    }
    start = nl + 1;
  }
  std::size_t end = source.find('\n', start);
  if (end == std::string_view::npos) {
    end = source.size();
  }
  std::string line(source.substr(start, end - start));
  for (char& ch : line) {
    if (ch == '\t') {
      ch = ' ';
    }
  }
  if (line.empty()) {
    return out;
  }
  out.detail = "  " + line + "\n  " + std::string(static_cast<std::size_t>(std::max(col - 1, 0)), ' ') + "^";
  return out;
}

std::string_view describe(Tok kind)
{
  switch (kind) {
  case Tok::end:
    return "end of file";
  case Tok::ident:
    return "identifier";
  case Tok::string:
    return "string";
  case Tok::number:
    return "number";
  case Tok::lbrace:
    return "`{`";
  case Tok::rbrace:
    return "`}`";
  case Tok::lbracket:
    return "`[`";
  case Tok::rbracket:
    return "`]`";
  case Tok::lparen:
    return "`(`";
  case Tok::rparen:
    return "`)`";
  case Tok::dot:
    return "`.`";
  case Tok::comma:
    return "`,`";
  case Tok::semicolon:
    return "`;`";
  case Tok::colon:
    return "`:`";
  case Tok::assign:
    return "`:=`";
  case Tok::unify:
    return "`=`";
  case Tok::eq:
    return "`==`";
  case Tok::ne:
    return "`!=`";
  case Tok::lt:
    return "`<`";
  case Tok::le:
    return "`<=`";
  case Tok::gt:
    return "`>`";
  case Tok::ge:
    return "`>=`";
  case Tok::plus:
    return "`+`";
  case Tok::minus:
    return "`-`";
  case Tok::star:
    return "`*`";
  case Tok::slash:
    return "`/`";
  case Tok::percent:
    return "`%`";
  case Tok::pipe:
    return "`|`";
  case Tok::amp:
    return "`&`";
  }
  return "token";
}

} // namespace tollgate::rego
