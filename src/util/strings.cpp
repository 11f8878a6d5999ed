#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace tollgate::util {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
  // Optimal string alignment: like Levenshtein, plus a swap of two adjacent characters costs 1.
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * width);
  const auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) {
    at(i, 0) = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    at(0, j) = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates)
{
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (!best || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  // Allow roughly one typo per three characters, at least one and at most three.
  const std::size_t allowed = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  if (best && best_distance <= allowed && best_distance < word.size()) {
    return best;
  }
  return std::nullopt;
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates)
{
  if (auto match = closest_match(word, candidates)) {
    return ", did you mean `" + *match + "`?";
  }
  return "";
}

std::string_view trim(std::string_view s)
{
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split_line_views(std::string_view text)
{
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> split_lines(std::string_view text)
{
  const auto views = split_line_views(text);
  return std::vector<std::string>(views.begin(), views.end());
}

std::optional<std::vector<std::string>> split_simple_command(std::string_view line)
{
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t') {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      continue;
    }
    if (c == '\'') {
      const std::size_t close = line.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return std::nullopt;
      }
      word.append(line.substr(i + 1, close - i - 1));
      i = close;
      in_word = true;
      continue;
    }
    if (c == '"') {
      std::size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '$' || line[j] == '`') {
          return std::nullopt;
        }
        if (line[j] == '\\' && j + 1 < line.size() &&
            std::string_view("\"\\$`").find(line[j + 1]) != std::string_view::npos) {
          ++j;
        }
        word.push_back(line[j]);
      }
      if (j >= line.size()) {
        return std::nullopt;
      }
      i = j;
      in_word = true;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= line.size() || line[i + 1] == '\n') {
        return std::nullopt;
      }
      word.push_back(line[++i]);
      in_word = true;
      continue;
    }
    if (std::string_view("|&;<>()$`*?[]{}~#!\n=").find(c) != std::string_view::npos) {
      // `=` matters only in a leading assignment (`FOO=1 cmd`); inside later words it is literal.
      if (c == '=' && (!words.empty() || !in_word)) {
        word.push_back(c);
        in_word = true;
        continue;
      }
      if ((c == '#' || c == '~') && in_word) {
        word.push_back(c);
        continue;
      }
      return std::nullopt;
    }
    word.push_back(c);
    in_word = true;
  }
  if (in_word) {
    words.push_back(std::move(word));
  }
  if (words.empty()) {
    return std::nullopt;
  }
  return words;
}

std::string sanitize_utf8(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char min_second = 0x80;
    unsigned char max_second = 0xbf;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      min_second = lead == 0xe0 ? 0xa0 : 0x80; // no overlong forms
      max_second = lead == 0xed ? 0x9f : 0xbf; // no surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      min_second = lead == 0xf0 ? 0x90 : 0x80;
      max_second = lead == 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
    }
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const unsigned char c = byte(i + k);
      valid = k == 1 ? (c >= min_second && c <= max_second) : (c >= 0x80 && c <= 0xbf);
    }
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string to_lower(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

std::string printable(std::string_view text)
{
  std::string out;
  for (char c : sanitize_utf8(text)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string shorten_utf8(std::string_view text, std::size_t width)
{
  if (text.size() <= width) {
    return std::string(text);
  }
  std::size_t cut = width > 3 ? width - 3 : 0;
  // Step back over continuation bytes so the cut falls between characters.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) {
    --cut;
  }
  return std::string(text.substr(0, cut)) + "...";
}

std::string tail_lines(std::string_view text, std::size_t n)
{
  if (n == 0) {
    return "";
  }
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') {
    --end;
  }
  std::size_t pos = end;
  std::size_t count = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++count == n) {
      break;
    }
    --pos;
  }
  return std::string(text.substr(pos, end - pos));
}

} // namespace tollgate::util
