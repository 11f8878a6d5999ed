// Regular expressions (RE2: the syntax of Go's regexp, which OPA uses) and glob.match.

#include "rego/builtins.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <map>
#include <memory>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;

// Compiled patterns, kept per thread; nullptr for an invalid pattern.
const RE2* compiled(const std::string& pattern)
{
  thread_local std::map<std::string, std::unique_ptr<RE2>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    if (cache.size() > 1000) {
      cache.clear();
    }
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern, options);
    it = cache.emplace(pattern, re->ok() ? std::move(re) : nullptr).first;
  }
  return it->second.get();
}

const RE2& regex_arg(std::string_view name, std::span<const Value> a, std::size_t i)
{
  const std::string& pattern = str(name, a, i);
  const RE2* re = compiled(pattern);
  if (re == nullptr) {
    RE2::Options options;
    options.set_log_errors(false);
    RE2 broken(pattern, options);
    error(name, fmt::format("error parsing regexp: {}", broken.error()));
  }
  return *re;
}

Value regex_match(std::span<const Value> a, BuiltinContext&)
{
  const RE2& re = regex_arg("regex.match", a, 0);
  return Value::boolean(RE2::PartialMatch(str("regex.match", a, 1), re));
}

Value regex_is_valid(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(a[0].is_string() && compiled(a[0].as_string()) != nullptr);
}

// Every match of `re` in `text` (at most `limit` unless negative), each with its groups.
std::vector<std::vector<std::string>> find_all(const RE2& re, const std::string& text, std::int64_t limit)
{
  std::vector<std::vector<std::string>> out;
  const int groups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> match(static_cast<std::size_t>(groups));
  std::size_t pos = 0;
  std::size_t last_end = std::string::npos;
  while (pos <= text.size() && (limit < 0 || static_cast<std::int64_t>(out.size()) < limit)) {
    if (!re.Match(text, pos, text.size(), RE2::UNANCHORED, match.data(), groups)) {
      break;
    }
    const auto start = static_cast<std::size_t>(match[0].data() - text.data());
    const std::size_t end = start + match[0].size();
    if (match[0].empty() && start == last_end) {
      // Go skips an empty match right after the previous match.
      pos = start + 1;
      continue;
    }
    std::vector<std::string> row;
    for (const auto& group : match) {
      row.emplace_back(group.data() == nullptr ? std::string() : std::string(group));
    }
    out.push_back(std::move(row));
    last_end = end;
    pos = match[0].empty() ? end + 1 : end;
  }
  return out;
}

Value regex_find_n(std::span<const Value> a, BuiltinContext&)
{
  const RE2& re = regex_arg("regex.find_n", a, 0);
  Array out;
  for (auto& row : find_all(re, str("regex.find_n", a, 1), builtin::integer("regex.find_n", a, 2))) {
    out.push_back(Value::string(std::move(row.front())));
  }
  return Value::array(std::move(out));
}

Value regex_find_all_submatch(std::span<const Value> a, BuiltinContext&)
{
  const RE2& re = regex_arg("regex.find_all_string_submatch_n", a, 0);
  Array out;
  for (auto& row : find_all(re, str("regex.find_all_string_submatch_n", a, 1),
                            builtin::integer("regex.find_all_string_submatch_n", a, 2))) {
    Array groups;
    for (auto& group : row) {
      groups.push_back(Value::string(std::move(group)));
    }
    out.push_back(Value::array(std::move(groups)));
  }
  return Value::array(std::move(out));
}

// Go's $1 / ${name} replacement syntax to RE2's \1.
std::string rewrite_template(const std::string& repl, const RE2& re)
{
  std::string out;
  for (std::size_t i = 0; i < repl.size(); ++i) {
    const char c = repl[i];
    if (c == '\\') {
      out += "\\\\";
      continue;
    }
    if (c != '$' || i + 1 >= repl.size()) {
      out += c;
      continue;
    }
    if (repl[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    std::size_t j = i + 1;
    if (repl[j] == '{') {
      const std::size_t close = repl.find('}', j);
      if (close == std::string::npos) {
        out += c;
        continue;
      }
      name = repl.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < repl.size() && (std::isalnum(static_cast<unsigned char>(repl[j])) != 0 || repl[j] == '_')) {
        name += repl[j++];
      }
    }
    i = j - 1;
    if (name.empty()) {
      continue;
    }
    int index = -1;
    if (std::all_of(name.begin(), name.end(), [](char d) { return d >= '0' && d <= '9'; })) {
      index = std::stoi(name.substr(0, 6));
    } else if (auto it = re.NamedCapturingGroups().find(name); it != re.NamedCapturingGroups().end()) {
      index = it->second;
    }
    if (index >= 0 && index <= re.NumberOfCapturingGroups() && index <= 9) {
      out += "\\" + std::to_string(index);
    }
  }
  return out;
}

Value regex_replace(std::span<const Value> a, BuiltinContext&)
{
  std::string text = str("regex.replace", a, 0);
  const RE2& re = regex_arg("regex.replace", a, 1);
  RE2::GlobalReplace(&text, re, rewrite_template(str("regex.replace", a, 2), re));
  return Value::string(std::move(text));
}

Value regex_split(std::span<const Value> a, BuiltinContext&)
{
  const RE2& re = regex_arg("regex.split", a, 0);
  const std::string& text = str("regex.split", a, 1);
  Array out;
  std::size_t start = 0;
  re2::StringPiece match;
  std::size_t pos = 0;
  while (pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
    const auto begin = static_cast<std::size_t>(match.data() - text.data());
    if (match.empty()) {
      if (begin >= text.size()) {
        break;
      }
      if (begin == 0) {
        pos = 1;
        continue;
      }
    }
    out.push_back(Value::string(text.substr(start, begin - start)));
    start = begin + match.size();
    pos = match.empty() ? start + 1 : start;
  }
  out.push_back(Value::string(text.substr(start)));
  return Value::array(std::move(out));
}

// A glob (gobwas/glob syntax, as OPA) as an anchored RE2 pattern.
std::string glob_regex(const std::string& glob, const std::string& delimiters, bool& ok)
{
  std::string not_delim = "[^" + RE2::QuoteMeta(delimiters) + "]";
  if (delimiters.empty()) {
    not_delim = "(?s:.)";
  }
  std::string out;
  int braces = 0;
  ok = true;
  for (std::size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    switch (c) {
    case '*':
      if (i + 1 < glob.size() && glob[i + 1] == '*') {
        out += "(?s:.)*";
        ++i;
      } else {
        out += not_delim + "*";
      }
      break;
    case '?':
      out += not_delim;
      break;
    case '[': {
      const std::size_t close = glob.find(']', i + 1);
      if (close == std::string::npos) {
        ok = false;
        return {};
      }
      std::string inside = glob.substr(i + 1, close - i - 1);
      const bool negate = !inside.empty() && inside[0] == '!';
      if (negate) {
        inside = inside.substr(1);
      }
      std::string cls;
      for (const char ch : inside) {
        cls += (ch == '-') ? std::string("-") : RE2::QuoteMeta(std::string(1, ch));
      }
      out += std::string("[") + (negate ? "^" : "") + cls + "]";
      i = close;
      break;
    }
    case '{':
      ++braces;
      out += "(?:";
      break;
    case '}':
      if (braces == 0) {
        out += "\\}";
      } else {
        --braces;
        out += ")";
      }
      break;
    case ',':
      out += braces > 0 ? "|" : ",";
      break;
    case '\\':
      if (i + 1 < glob.size()) {
        out += RE2::QuoteMeta(std::string(1, glob[++i]));
      } else {
        ok = false;
        return {};
      }
      break;
    default:
      out += RE2::QuoteMeta(std::string(1, c));
    }
  }
  if (braces != 0) {
    ok = false;
  }
  return out;
}

Value glob_match(std::span<const Value> a, BuiltinContext&)
{
  const std::string& pattern = str("glob.match", a, 0);
  std::string delimiters;
  if (a[1].is_null()) {
    delimiters = ""; // no delimiters at all
  } else if (a[1].is_array()) {
    for (const auto& d : a[1].as_array()) {
      if (!d.is_string()) {
        builtin::type_error("glob.match", 2, "array of strings", a[1]);
      }
      delimiters += d.as_string();
    }
    if (a[1].as_array().empty()) {
      delimiters = ".";
    }
  } else {
    builtin::type_error("glob.match", 2, "array", a[1]);
  }
  const std::string& text = str("glob.match", a, 2);
  bool ok = false;
  const std::string regex = glob_regex(pattern, delimiters, ok);
  const RE2* re = ok ? compiled("^(?:" + regex + ")$") : nullptr;
  if (re == nullptr) {
    error("glob.match", fmt::format("invalid glob pattern {}", to_text(a[0])));
  }
  return Value::boolean(RE2::FullMatch(text, *re));
}

constexpr Builtin k_regex[] = {
    {"regex.match", 2, &regex_match},
    {"re_match", 2, &regex_match},
    {"regex.is_valid", 1, &regex_is_valid},
    {"regex.find_n", 3, &regex_find_n},
    {"regex.find_all_string_submatch_n", 3, &regex_find_all_submatch},
    {"regex.replace", 3, &regex_replace},
    {"regex.split", 2, &regex_split},
    {"glob.match", 3, &glob_match},
};

} // namespace

std::span<const Builtin> builtin::regex_builtins()
{
  return k_regex;
}

} // namespace tollgate::rego
