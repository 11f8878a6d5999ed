// setup.cfg: an INI file read as configparser reads it (setuptools' declarative config), line by line.

#include "version_files/formats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace tollgate::version_files::detail {

namespace {

std::string lower(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool space(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

} // namespace

Result<std::vector<Span>> locate_setup_cfg(const Entry& entry, std::string_view text)
{
  std::vector<Span> spans;
  std::string section;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(start, end - start);
    const std::size_t line_start = start;
    start = end + 1;
    std::size_t first = 0;
    while (first < line.size() && space(line[first])) {
      ++first;
    }
    if (first == line.size() || line[first] == '#' || line[first] == ';' || first > 0) {
      continue; // blank, a comment, or a continuation of the previous value
    }
    if (line.front() == '[') {
      const std::size_t close = line.find(']');
      section = close == std::string_view::npos ? std::string() : std::string(line.substr(1, close - 1));
      continue;
    }
    const std::size_t separator = line.find_first_of("=:");
    if (section != "metadata" || separator == std::string_view::npos) {
      continue;
    }
    std::size_t key_end = separator;
    while (key_end > 0 && space(line[key_end - 1])) {
      --key_end;
    }
    if (lower(line.substr(0, key_end)) != "version") {
      continue;
    }
    std::size_t value = separator + 1;
    while (value < line.size() && space(line[value])) {
      ++value;
    }
    std::size_t value_end = line.size();
    while (value_end > value && space(line[value_end - 1])) {
      --value_end;
    }
    const std::string_view version = line.substr(value, value_end - value);
    const std::size_t offset = line_start + value;
    if (version.empty()) {
      return std::unexpected(error_at(text, offset, entry.path, "[metadata] version has no value on its line"));
    }
    if (version.starts_with("attr:") || version.starts_with("file:")) {
      return std::unexpected(error_at(text, offset, entry.path,
                                      fmt::format("[metadata] version is dynamic (`{}`): list the file that holds "
                                                  "it, with a pattern, instead",
                                                  version)));
    }
    if (!spans.empty()) {
      const Position before = position_of(text, spans.front().offset);
      return std::unexpected(error_at(text, offset, entry.path,
                                      fmt::format("[metadata] version a second time (the first at line {}, column {})",
                                                  before.line, before.column)));
    }
    spans.push_back(Span{offset, version.size(), "[metadata] version"});
  }
  return spans;
}

} // namespace tollgate::version_files::detail
