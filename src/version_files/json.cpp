// package.json and package-lock.json: a JSON scanner that records where the members it is asked
// for are, never rewriting the document.

#include "version_files/formats.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::version_files::detail {

namespace {

constexpr int k_max_depth = 512;

class JsonScanner {
public:
  JsonScanner(std::string_view text, const std::string& path, const std::vector<std::vector<std::string>>& targets)
      : m_text(text), m_path(path), m_targets(targets)
  {
  }

  Result<std::vector<Value>> run()
  {
    skip_spaces();
    if (peek() != '{') {
      return error("the document is not an object");
    }
    std::vector<std::string> key;
    if (auto parsed = value(key, 0); !parsed) {
      return std::unexpected(parsed.error());
    }
    skip_spaces();
    if (m_pos < m_text.size()) {
      return error("text after the document");
    }
    return std::move(m_found);
  }

private:
  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  std::unexpected<Error> error(const std::string& message) const
  {
    return std::unexpected(error_at(m_text, m_pos, m_path, "not valid JSON: " + message));
  }
  void skip_spaces()
  {
    while (m_pos < m_text.size() && std::string_view(" \t\r\n").find(m_text[m_pos]) != std::string_view::npos) {
      ++m_pos;
    }
  }

  // A string at m_pos: its decoded text (escapes kept as written but for \" and \\, enough to
  // compare keys) and whether it held an escape.
  Result<std::string> string(bool& escaped)
  {
    ++m_pos; // the opening quote
    std::string decoded;
    escaped = false;
    while (m_pos < m_text.size() && m_text[m_pos] != '"') {
      const char c = m_text[m_pos];
      if (static_cast<unsigned char>(c) < 0x20) {
        return error("a control character in a string");
      }
      if (c == '\\') {
        escaped = true;
        if (m_pos + 1 >= m_text.size()) {
          break;
        }
        const char next = m_text[m_pos + 1];
        decoded += next == '"' || next == '\\' || next == '/' ? std::string(1, next) : m_text.substr(m_pos, 2);
        m_pos += 2;
        continue;
      }
      decoded += c;
      ++m_pos;
    }
    if (peek() != '"') {
      return error("unterminated string");
    }
    ++m_pos;
    return decoded;
  }

  bool wanted(const std::vector<std::string>& key) const
  {
    return std::find(m_targets.begin(), m_targets.end(), key) != m_targets.end();
  }
  bool on_the_way(const std::vector<std::string>& key) const
  {
    return std::any_of(m_targets.begin(), m_targets.end(), [&](const auto& target) {
      return target.size() > key.size() && std::equal(key.begin(), key.end(), target.begin());
    });
  }

  // The value at m_pos, whose key path is `key` (members below it are recorded when targeted).
  Result<void> value(std::vector<std::string>& key, int depth)
  {
    if (depth > k_max_depth) {
      return error("nested too deeply");
    }
    Value found;
    found.key = key;
    found.value_offset = m_pos;
    const char c = peek();
    if (c == '"') {
      found.plain = true;
      found.content_offset = m_pos + 1;
      auto text = string(found.escaped);
      if (!text) {
        return std::unexpected(text.error());
      }
      found.content_length = m_pos - 1 - found.content_offset;
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      // Members of objects on the way to a target keep their names; anything else is skipped alike.
      const bool descend = c == '{' && (key.empty() || on_the_way(key));
      ++m_pos;
      skip_spaces();
      if (peek() == close) {
        ++m_pos;
      } else {
        while (true) {
          skip_spaces();
          std::vector<std::string> inner = descend ? key : std::vector<std::string>{"[]"};
          if (c == '{') {
            if (peek() != '"') {
              return error("expected a member name");
            }
            bool escaped = false;
            auto name = string(escaped);
            if (!name) {
              return std::unexpected(name.error());
            }
            inner.push_back(std::move(*name));
            skip_spaces();
            if (peek() != ':') {
              return error("expected `:`");
            }
            ++m_pos;
            skip_spaces();
          }
          if (auto parsed = value(descend ? inner : m_skip, depth + 1); !parsed) {
            return parsed;
          }
          skip_spaces();
          if (peek() == ',') {
            ++m_pos;
            continue;
          }
          if (peek() == close) {
            ++m_pos;
            break;
          }
          return error(fmt::format("expected `,` or `{}`", close));
        }
      }
    } else {
      while (m_pos < m_text.size() && std::string_view(" \t\r\n,]}").find(m_text[m_pos]) == std::string_view::npos) {
        ++m_pos;
      }
      const std::string_view literal = m_text.substr(found.value_offset, m_pos - found.value_offset);
      const bool number = !literal.empty() &&
                          (literal.front() == '-' || std::isdigit(static_cast<unsigned char>(literal.front())) != 0);
      if (!number && literal != "true" && literal != "false" && literal != "null") {
        m_pos = found.value_offset;
        return error("expected a value");
      }
    }
    found.value_end = m_pos;
    if (wanted(key)) {
      m_found.push_back(std::move(found));
    }
    return {};
  }

  std::string_view m_text;
  const std::string& m_path;
  const std::vector<std::vector<std::string>>& m_targets;
  std::size_t m_pos = 0;
  std::vector<std::string> m_skip{"[]"};
  std::vector<Value> m_found;
};

std::string described(const std::vector<std::string>& key)
{
  return key.size() == 1 ? fmt::format("\"{}\"", key.front()) : fmt::format("{}[\"{}\"].{}", key[0], key[1], key[2]);
}

} // namespace

Result<std::vector<Value>> scan_json(std::string_view text, const std::string& path,
                                     const std::vector<std::vector<std::string>>& targets)
{
  return JsonScanner(text, path, targets).run();
}

Result<std::vector<Span>> locate_json(const Entry& entry, std::string_view text)
{
  const std::vector<std::vector<std::string>> targets =
      entry.format == Format::package_lock
          ? std::vector<std::vector<std::string>>{{"version"}, {"packages", "", "version"}}
          : std::vector<std::vector<std::string>>{{"version"}};
  auto values = scan_json(text, entry.path, targets);
  if (!values) {
    return std::unexpected(values.error());
  }
  std::vector<Span> spans;
  for (std::size_t i = 0; i < values->size(); ++i) {
    const Value& value = (*values)[i];
    if (!value.plain) {
      return std::unexpected(
          error_at(text, value.value_offset, entry.path, fmt::format("{} is not a string", described(value.key))));
    }
    if (value.escaped) {
      return std::unexpected(
          error_at(text, value.content_offset, entry.path,
                   fmt::format("{} holds an escape sequence: write it plainly", described(value.key))));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if ((*values)[j].key == value.key) {
        const Position first = position_of(text, (*values)[j].content_offset);
        return std::unexpected(error_at(text, value.content_offset, entry.path,
                                        fmt::format("{} a second time (the first at line {}, column {})",
                                                    described(value.key), first.line, first.column)));
      }
    }
    spans.push_back(Span{value.content_offset, value.content_length, described(value.key)});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.offset < b.offset; });
  return spans;
}

} // namespace tollgate::version_files::detail
