// strings.count, strings.render_template (Go text/template fields), glob.quote_meta,
// regex.template_match and urlquery.* (Go's net/url query escaping).

#include "rego/builtins.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <map>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;
using builtin::type_error;

Value strings_count(std::span<const Value> a, BuiltinContext&)
{
  const std::string& s = str("strings.count", a, 0);
  const std::string& sub = str("strings.count", a, 1);
  std::int64_t n = 0;
  if (sub.empty()) {
    for (std::size_t i = 0; i < s.size(); i = builtin::utf8_next(s, i)) {
      ++n;
    }
    return Value::integer(n + 1);
  }
  for (std::size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) {
    ++n;
  }
  return Value::integer(n);
}

Value quote_meta(std::span<const Value> a, BuiltinContext&)
{
  std::string out;
  for (const char c : str("glob.quote_meta", a, 0)) {
    if (std::string_view("*?\\[]{}").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return Value::string(std::move(out));
}

// A value as Go's text/template prints it (fmt's %v of the JSON-decoded value).
std::string go_print(const Value& v)
{
  switch (v.kind()) {
  case Kind::null:
    return "<nil>";
  case Kind::string:
    return v.as_string();
  case Kind::array:
  case Kind::set: {
    std::string out = "[";
    for (const Value& item : v.as_array()) {
      out += (out.size() > 1 ? " " : "") + go_print(item);
    }
    return out + "]";
  }
  case Kind::object: {
    std::string out = "map[";
    for (const auto& [k, item] : v.as_object()) {
      out += (out.size() > 4 ? " " : "") + go_print(k) + ":" + go_print(item);
    }
    return out + "]";
  }
  default:
    return to_text(v);
  }
}

Value render_template(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "strings.render_template";
  const std::string& text = str(k_name, a, 0);
  if (!a[1].is_object()) {
    type_error(k_name, 2, "object", a[1]);
  }
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string::npos) {
      out += text.substr(at);
      break;
    }
    std::string literal = text.substr(at, open - at);
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      error(k_name, "template: template:1: unclosed action");
    }
    std::string action = text.substr(open + 2, close - open - 2);
    bool trim_right = false;
    if (action.starts_with("- ")) {
      while (!literal.empty() && std::isspace(static_cast<unsigned char>(literal.back())) != 0) {
        literal.pop_back();
      }
      action.erase(0, 1);
    }
    if (action.ends_with(" -")) {
      trim_right = true;
      action.pop_back();
    }
    out += literal;
    const std::size_t first = action.find_first_not_of(" \t\n");
    const std::size_t last = action.find_last_not_of(" \t\n");
    action = first == std::string::npos ? "" : action.substr(first, last - first + 1);
    if (action.empty() || action[0] != '.' || action.find_first_of(" \t|()\"") != std::string::npos) {
      error(k_name,
            fmt::format("template: only field references such as {{{{.name}}}} are supported, not {{{{{}}}}}", action));
    }
    Value v = a[1];
    for (std::size_t pos = 1; pos < action.size();) {
      const std::size_t dot = action.find('.', pos);
      const std::string field = action.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      v = v.is_object() ? v.get(Value::string(field)) : Value();
      if (!v.defined()) {
        break;
      }
      pos = dot == std::string::npos ? action.size() : dot + 1;
    }
    out += v.defined() ? go_print(v) : "<no value>";
    at = close + 2;
    if (trim_right) {
      while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at])) != 0) {
        ++at;
      }
    }
  }
  return Value::string(std::move(out));
}

// regex.template_match: the template's text between the delimiters is a regular expression, the
// rest literal; the whole value must match (OPA's gorilla/mux-style templates).
Value template_match(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "regex.template_match";
  const std::string& tpl = str(k_name, a, 0);
  const std::string& value = str(k_name, a, 1);
  const std::string& open = str(k_name, a, 2);
  const std::string& close = str(k_name, a, 3);
  if (open.size() != 1 || close.size() != 1) {
    error(k_name, fmt::format("{} delimiter has to be exactly one character long but is {} long",
                              open.size() != 1 ? "start" : "end", open.size() != 1 ? open.size() : close.size()));
  }
  std::string pattern = "^";
  std::size_t literal = 0;
  std::size_t i = 0;
  while (i < tpl.size()) {
    if (tpl[i] != open[0]) {
      ++i;
      continue;
    }
    // The matching end delimiter, counting nested pairs.
    std::size_t end = i + 1;
    for (int level = 1; end < tpl.size(); ++end) {
      level += tpl[end] == open[0] ? 1 : (tpl[end] == close[0] ? -1 : 0);
      if (level == 0) {
        break;
      }
    }
    if (end >= tpl.size()) {
      error(k_name, fmt::format("unbalanced braces in \"{}\"", tpl));
    }
    pattern += RE2::QuoteMeta(tpl.substr(literal, i - literal)) + "(" + tpl.substr(i + 1, end - i - 1) + ")";
    i = literal = end + 1;
  }
  pattern += RE2::QuoteMeta(tpl.substr(literal)) + "$";
  const RE2 re(pattern, RE2::Quiet);
  if (!re.ok()) {
    error(k_name, fmt::format("error parsing regexp: {}", re.error()));
  }
  return Value::boolean(RE2::PartialMatch(value, re));
}

// Go's url.QueryEscape.
std::string query_escape(const std::string& s)
{
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// Go's url.QueryUnescape; the error text as Go's.
std::string query_unescape(std::string_view name, const std::string& s)
{
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() + 0 || std::isxdigit(static_cast<unsigned char>(s[i + 1])) == 0 ||
          std::isxdigit(static_cast<unsigned char>(s[i + 2])) == 0) {
        error(name, fmt::format("invalid URL escape \"{}\"", s.substr(i, std::min<std::size_t>(3, s.size() - i))));
      }
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Value urlquery_encode(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(query_escape(str("urlquery.encode", a, 0)));
}

Value urlquery_decode(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(query_unescape("urlquery.decode", str("urlquery.decode", a, 0)));
}

Value urlquery_encode_object(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "urlquery.encode_object";
  if (!a[0].is_object()) {
    type_error(k_name, 1, "object", a[0]);
  }
  std::map<std::string, std::vector<std::string>> query;
  for (const auto& [k, v] : a[0].as_object()) {
    if (!k.is_string()) {
      type_error(k_name, 1, "object", a[0]);
    }
    auto& values = query[k.as_string()];
    if (v.is_string()) {
      values = {v.as_string()};
    } else if (v.is_array() || v.is_set()) {
      for (const Value& item : v.as_array()) {
        if (!item.is_string()) {
          error(k_name, "operand 1 must be object[string]array[string] or object[string]set[string]");
        }
        values.push_back(item.as_string());
      }
    } else {
      error(k_name, "operand 1 must be object[string]string or object[string]array[string] or "
                    "object[string]set[string]");
    }
  }
  std::string out;
  for (const auto& [k, values] : query) {
    for (const auto& v : values) {
      out += (out.empty() ? "" : "&") + query_escape(k) + "=" + query_escape(v);
    }
  }
  return Value::string(std::move(out));
}

Value urlquery_decode_object(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "urlquery.decode_object";
  const std::string& s = str(k_name, a, 0);
  std::map<std::string, std::vector<std::string>> query;
  std::size_t at = 0;
  while (at <= s.size() && !s.empty()) {
    const std::size_t amp = s.find('&', at);
    const std::string part = s.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    if (part.find(';') != std::string::npos) {
      error(k_name, "invalid semicolon separator in query");
    }
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      const std::string key = query_unescape(k_name, part.substr(0, eq));
      const std::string value = eq == std::string::npos ? "" : query_unescape(k_name, part.substr(eq + 1));
      query[key].push_back(value);
    }
    if (amp == std::string::npos) {
      break;
    }
    at = amp + 1;
  }
  Entries entries;
  for (const auto& [k, values] : query) {
    Array items;
    for (const auto& v : values) {
      items.push_back(Value::string(v));
    }
    entries.emplace_back(Value::string(k), Value::array(std::move(items)));
  }
  return Value::object(std::move(entries));
}

constexpr Builtin k_text[] = {
    {"strings.count", 2, &strings_count},
    {"strings.render_template", 2, &render_template},
    {"glob.quote_meta", 1, &quote_meta},
    {"regex.template_match", 4, &template_match},
    {"urlquery.encode", 1, &urlquery_encode},
    {"urlquery.decode", 1, &urlquery_decode},
    {"urlquery.encode_object", 1, &urlquery_encode_object},
    {"urlquery.decode_object", 1, &urlquery_decode_object},
};

} // namespace

std::span<const Builtin> builtin::text_builtins()
{
  return k_text;
}

} // namespace tollgate::rego
