// Dotenv files: `KEY=value` lines, `export`, comments, quoted values (see env_sources.hpp).

#include "checks/env_sources.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::checks {

namespace {

bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
bool is_key_start(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_key_char(char c)
{
  return is_key_start(c) || (c >= '0' && c <= '9');
}

// A one-pass reader over the whole text (quoted values may span lines), tracking line and column.
class DotenvParser {
public:
  DotenvParser(std::string_view text, const std::string& file) : m_text(text), m_file(file) {}

  Result<std::vector<Assignment>> parse()
  {
    std::vector<Assignment> result;
    while (true) {
      skip_blanks();
      if (at_end()) {
        break;
      }
      if (peek() == '\n') {
        advance();
        continue;
      }
      if (peek() == '#') {
        skip_rest_of_line();
        continue;
      }
      auto assignment = parse_assignment();
      if (!assignment) {
        return std::unexpected(assignment.error());
      }
      result.push_back(std::move(*assignment));
    }
    return result;
  }

private:
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return at_end() ? '\0' : m_text[m_pos]; }
  bool at_line_end() const { return at_end() || peek() == '\n'; }

  void advance()
  {
    if (m_text[m_pos] == '\n') {
      ++m_line;
      m_column = 1;
    } else {
      ++m_column;
    }
    ++m_pos;
  }

  // Skips spaces and tabs (and stray carriage returns), never a newline.
  bool skip_blanks()
  {
    const std::size_t start = m_pos;
    while (!at_end() && is_blank(peek())) {
      advance();
    }
    return m_pos != start;
  }

  void skip_rest_of_line()
  {
    while (!at_line_end()) {
      advance();
    }
  }

  std::string read_key()
  {
    std::string key;
    while (!at_end() && is_key_char(peek())) {
      key.push_back(peek());
      advance();
    }
    return key;
  }

  std::unexpected<Error> error_here(const std::string& message) const { return error_at(m_line, m_column, message); }
  std::unexpected<Error> error_at(int line, int column, const std::string& message) const
  {
    return fail(fmt::format("{}:{}:{}: {}", m_file, line, column, message));
  }

  static std::string describe(char c)
  {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
    }
    return fmt::format("`{}`", c);
  }

  Result<Assignment> parse_assignment()
  {
    int key_line = m_line;
    int key_column = m_column;
    std::string key = read_key();
    if (key == "export" && !at_end() && is_blank(peek())) {
      // `export KEY=value`, unless the variable itself is called `export` (`export = 1`).
      const std::size_t pos = m_pos;
      const int line = m_line;
      const int column = m_column;
      skip_blanks();
      if (peek() != '=') {
        key_line = m_line;
        key_column = m_column;
        key = read_key();
      } else {
        m_pos = pos;
        m_line = line;
        m_column = column;
      }
    }
    if (key.empty()) {
      if (at_line_end()) {
        return error_here("expected a variable name after `export`");
      }
      return error_here(fmt::format("expected a variable name, found {}", describe(peek())));
    }
    if (!is_key_start(key.front())) {
      return error_at(key_line, key_column,
                      fmt::format("invalid variable name `{}`: it must not start with a digit", key));
    }
    if (!at_line_end() && !is_blank(peek()) && peek() != '=') {
      return error_here(fmt::format("invalid character {} in variable name `{}`", describe(peek()), key));
    }
    skip_blanks();
    if (peek() != '=') {
      if (at_line_end()) {
        return error_here(fmt::format("expected `=` after `{}`", key));
      }
      return error_here(fmt::format("expected `=` after `{}`, found {}", key, describe(peek())));
    }
    advance();
    const bool blank_before_value = skip_blanks();

    Assignment assignment;
    assignment.key = std::move(key);
    assignment.line = m_line;
    assignment.column = m_column;
    if (peek() == '\'' || peek() == '"') {
      auto value = peek() == '\'' ? single_quoted() : double_quoted();
      if (!value) {
        return std::unexpected(value.error());
      }
      assignment.value = std::move(*value);
      skip_blanks();
      if (!at_line_end() && peek() != '#') {
        return error_here(
            fmt::format("unexpected {} after the closing quote (a comment starts with `#`)", describe(peek())));
      }
      skip_rest_of_line();
    } else {
      assignment.value = unquoted(blank_before_value);
    }
    return assignment;
  }

  Result<std::string> single_quoted()
  {
    const int line = m_line;
    const int column = m_column;
    advance(); // the opening quote
    std::string value;
    while (!at_end() && peek() != '\'') {
      value.push_back(peek());
      advance();
    }
    if (at_end()) {
      return error_at(line, column, "unterminated single-quoted value (no closing `'`)");
    }
    advance();
    return value;
  }

  Result<std::string> double_quoted()
  {
    const int line = m_line;
    const int column = m_column;
    advance(); // the opening quote
    std::string value;
    while (!at_end() && peek() != '"') {
      char c = peek();
      advance();
      if (c == '\\' && !at_end()) {
        const char escaped = peek();
        advance();
        switch (escaped) {
        case 'n':
          c = '\n';
          break;
        case 't':
          c = '\t';
          break;
        case 'r':
          c = '\r';
          break;
        case '"':
        case '\\':
        case '$':
        case '\'':
          c = escaped;
          break;
        default:
          // Unknown escapes stay as written.
          value.push_back('\\');
          c = escaped;
          break;
        }
      }
      value.push_back(c);
    }
    if (at_end()) {
      return error_at(line, column, "unterminated double-quoted value (no closing `\"`)");
    }
    advance();
    return value;
  }

  // The rest of the line, without a ` # comment` and trailing blanks. A `#` right after `=`
  // (`KEY=#x`) is part of the value; after a blank (`KEY= # note`) it starts a comment.
  std::string unquoted(bool blank_before_value)
  {
    std::string value;
    bool after_blank = blank_before_value;
    while (!at_line_end()) {
      const char c = peek();
      if (c == '#' && after_blank) {
        skip_rest_of_line();
        break;
      }
      after_blank = is_blank(c);
      value.push_back(c);
      advance();
    }
    while (!value.empty() && is_blank(value.back())) {
      value.pop_back();
    }
    return value;
  }

  std::string_view m_text;
  const std::string& m_file;
  std::size_t m_pos = 0;
  int m_line = 1;
  int m_column = 1;
};

} // namespace

Result<std::vector<Assignment>> parse_dotenv(std::string_view text, const std::string& file)
{
  return DotenvParser(text, file).parse();
}

} // namespace tollgate::checks
