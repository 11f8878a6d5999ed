// pyproject.toml and Cargo.toml: a TOML scanner that knows where each value is, enough to find one
// key's string without misreading a `[table]` inside a multi-line string or array.

#include "version_files/formats.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::version_files::detail {

namespace {

constexpr int k_max_depth = 128;

class TomlScanner {
public:
  TomlScanner(std::string_view text, const std::string& path) : m_text(text), m_path(path) {}

  Result<std::vector<Value>> run()
  {
    std::vector<std::string> table;
    while (true) {
      skip_blank_lines();
      if (at_end()) {
        break;
      }
      if (peek() == '[') {
        const bool array = peek(1) == '[';
        m_pos += array ? 2 : 1;
        auto key = parse_key();
        if (!key) {
          return std::unexpected(key.error());
        }
        skip_spaces();
        if (!consume(array ? "]]" : "]")) {
          return error(array ? "expected `]]` closing the table header" : "expected `]` closing the table header");
        }
        table = std::move(*key);
        if (array) {
          table.emplace_back("[]");
        }
      } else {
        auto key = parse_key();
        if (!key) {
          return std::unexpected(key.error());
        }
        skip_spaces();
        if (!consume("=")) {
          return error("expected `=` after the key");
        }
        skip_spaces();
        Value value;
        value.key = table;
        value.key.insert(value.key.end(), key->begin(), key->end());
        if (auto parsed = parse_value(value, 0); !parsed) {
          return std::unexpected(parsed.error());
        }
        m_values.push_back(std::move(value));
      }
      if (auto ended = end_of_line(); !ended) {
        return std::unexpected(ended.error());
      }
    }
    return std::move(m_values);
  }

private:
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek(std::size_t ahead = 0) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }
  bool starts(std::string_view token) const { return m_pos < m_text.size() && m_text.substr(m_pos).starts_with(token); }
  bool consume(std::string_view token)
  {
    if (!starts(token)) {
      return false;
    }
    m_pos += token.size();
    return true;
  }
  std::unexpected<Error> error(const std::string& message) const
  {
    return std::unexpected(error_at(m_text, m_pos, m_path, "not valid TOML: " + message));
  }

  void skip_spaces()
  {
    while (peek() == ' ' || peek() == '\t') {
      ++m_pos;
    }
  }
  void skip_comment()
  {
    if (peek() == '#') {
      while (!at_end() && peek() != '\n') {
        ++m_pos;
      }
    }
  }
  // Spaces, comments and newlines (between statements, and inside arrays).
  void skip_blank_lines()
  {
    while (!at_end()) {
      skip_spaces();
      skip_comment();
      if (peek() == '\r' && peek(1) == '\n') {
        m_pos += 2;
      } else if (peek() == '\n') {
        ++m_pos;
      } else {
        return;
      }
    }
  }
  Result<void> end_of_line()
  {
    skip_spaces();
    skip_comment();
    if (at_end() || consume("\n") || consume("\r\n")) {
      return {};
    }
    return error("expected the end of the line");
  }

  // `a.b."c d".'e'` as its parts.
  Result<std::vector<std::string>> parse_key()
  {
    std::vector<std::string> parts;
    while (true) {
      skip_spaces();
      const std::size_t start = m_pos;
      if (peek() == '"' || peek() == '\'') {
        const char quote = peek();
        ++m_pos;
        std::string part;
        while (!at_end() && peek() != quote && peek() != '\n') {
          if (quote == '"' && peek() == '\\' && m_pos + 1 < m_text.size()) {
            part += m_text.substr(m_pos, 2);
            m_pos += 2;
            continue;
          }
          part += peek();
          ++m_pos;
        }
        if (!consume(std::string_view(&quote, 1))) {
          m_pos = start;
          return error("unterminated quoted key");
        }
        parts.push_back(std::move(part));
      } else {
        while (std::isalnum(static_cast<unsigned char>(peek())) != 0 || peek() == '_' || peek() == '-') {
          ++m_pos;
        }
        if (m_pos == start) {
          return error("expected a key");
        }
        parts.emplace_back(m_text.substr(start, m_pos - start));
      }
      skip_spaces();
      if (!consume(".")) {
        return parts;
      }
    }
  }

  // A string that may span lines: `"""...."""` or `'''...'''` (up to two more quotes close it).
  Result<void> multi_line_string(char quote)
  {
    const std::string delimiter(3, quote);
    m_pos += 3;
    while (!at_end()) {
      if (quote == '"' && peek() == '\\' && m_pos + 1 < m_text.size()) {
        m_pos += 2;
        continue;
      }
      if (consume(delimiter)) {
        for (int extra = 0; extra < 2 && peek() == quote; ++extra) {
          ++m_pos;
        }
        return {};
      }
      ++m_pos;
    }
    return error("unterminated multi-line string");
  }

  Result<void> parse_value(Value& value, int depth)
  {
    if (depth > k_max_depth) {
      return error("values nested too deeply");
    }
    value.value_offset = m_pos;
    const char c = peek();
    if (starts("\"\"\"") || starts("'''")) {
      if (auto done = multi_line_string(c); !done) {
        return done;
      }
    } else if (c == '"' || c == '\'') {
      ++m_pos;
      value.plain = true;
      value.content_offset = m_pos;
      while (!at_end() && peek() != c && peek() != '\n') {
        if (c == '"' && peek() == '\\' && m_pos + 1 < m_text.size()) {
          value.escaped = true;
          ++m_pos;
        }
        ++m_pos;
      }
      if (peek() != c) {
        m_pos = value.value_offset;
        return error("unterminated string");
      }
      value.content_length = m_pos - value.content_offset;
      ++m_pos;
    } else if (c == '[' || c == '{') {
      const char close = c == '[' ? ']' : '}';
      ++m_pos;
      while (true) {
        skip_blank_lines();
        if (consume(std::string_view(&close, 1))) {
          break;
        }
        if (at_end()) {
          return error(fmt::format("expected `{}`", close));
        }
        Value item;
        if (c == '{') {
          if (auto key = parse_key(); !key) {
            return std::unexpected(key.error());
          }
          skip_spaces();
          if (!consume("=")) {
            return error("expected `=` in the inline table");
          }
          skip_spaces();
        }
        if (auto parsed = parse_value(item, depth + 1); !parsed) {
          return parsed;
        }
        skip_blank_lines();
        if (!consume(",") && peek() != close) {
          return error(fmt::format("expected `,` or `{}`", close));
        }
      }
    } else {
      while (!at_end() && std::string_view(" \t\r\n#,]}").find(peek()) == std::string_view::npos) {
        ++m_pos;
      }
      if (m_pos == value.value_offset) {
        return error("expected a value");
      }
    }
    value.value_end = m_pos;
    return {};
  }

  std::string_view m_text;
  const std::string& m_path;
  std::size_t m_pos = 0;
  std::vector<Value> m_values;
};

std::string dotted(const std::vector<std::string>& key)
{
  return fmt::format("{}", fmt::join(key, "."));
}

// "[tool.poetry] version" for {"tool", "poetry", "version"}.
std::string described(const std::vector<std::string>& key)
{
  const std::vector<std::string> table(key.begin(), key.end() - 1);
  return fmt::format("[{}] {}", dotted(table), key.back());
}

} // namespace

Result<std::vector<Value>> scan_toml(std::string_view text, const std::string& path)
{
  return TomlScanner(text, path).run();
}

Result<std::vector<Span>> locate_toml(const Entry& entry, std::string_view text)
{
  auto values = scan_toml(text, entry.path);
  if (!values) {
    return std::unexpected(values.error());
  }
  const bool cargo = entry.format == Format::cargo;
  const std::vector<std::vector<std::string>> targets =
      cargo ? std::vector<std::vector<std::string>>{{"package", "version"}, {"workspace", "package", "version"}}
            : std::vector<std::vector<std::string>>{{"project", "version"}, {"tool", "poetry", "version"}};
  std::vector<Span> spans;
  std::vector<const Value*> found;
  for (const Value& value : *values) {
    const std::string_view raw = text.substr(value.value_offset, value.value_end - value.value_offset);
    if (!cargo && value.key == std::vector<std::string>{"project", "dynamic"} &&
        (raw.find("\"version\"") != std::string_view::npos || raw.find("'version'") != std::string_view::npos)) {
      return std::unexpected(error_at(text, value.value_offset, entry.path,
                                      "[project] declares the version dynamic (computed when the package is built, "
                                      "not written here): list the file that holds it, with a pattern, instead"));
    }
    for (const auto& target : targets) {
      const bool exact = value.key == target;
      const bool below =
          value.key.size() > target.size() && std::equal(target.begin(), target.end(), value.key.begin());
      if (!exact && !below) {
        continue;
      }
      if (below || !value.plain) {
        return std::unexpected(error_at(
            text, value.value_offset, entry.path,
            fmt::format("{} is {}, not a version string{}", described(target), below ? "a table" : "no plain string",
                        cargo && (below ? value.key[target.size()] == "workspace"
                                        : raw.find("workspace") != std::string_view::npos)
                            ? " (inherited from the workspace: list the workspace's Cargo.toml instead)"
                            : "")));
      }
      if (value.escaped) {
        return std::unexpected(
            error_at(text, value.content_offset, entry.path,
                     fmt::format("{} holds an escape sequence: write it plainly", described(target))));
      }
      for (const Value* earlier : found) {
        if (earlier->key == value.key) {
          const Position first = position_of(text, earlier->content_offset);
          return std::unexpected(error_at(text, value.content_offset, entry.path,
                                          fmt::format("{} a second time (the first at line {}, column {})",
                                                      described(target), first.line, first.column)));
        }
      }
      found.push_back(&value);
      spans.push_back(Span{value.content_offset, value.content_length, described(target)});
    }
  }
  return spans;
}

} // namespace tollgate::version_files::detail
