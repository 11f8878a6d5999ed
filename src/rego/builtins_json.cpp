// JSON document built-ins: json.filter, json.remove, json.patch (RFC 6902, undefined when a patch
// fails, as OPA) and json.marshal_with_options (Go's json.MarshalIndent layout).

#include "rego/builtins.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::type_error;

// A path operand element: "a/b/c" (JSON pointer escapes ~0 ~1, leading slashes ignored) or an array
// of segments.
Array parse_path(std::string_view name, const Value& path)
{
  Array segments;
  if (path.is_string()) {
    const std::string& s = path.as_string();
    if (s.empty()) {
      return segments;
    }
    std::string_view rest = s;
    while (!rest.empty() && rest.front() == '/') {
      rest.remove_prefix(1);
    }
    while (true) {
      const std::size_t slash = rest.find('/');
      std::string part(rest.substr(0, slash));
      for (std::size_t at = 0; (at = part.find("~1", at)) != std::string::npos; ++at) {
        part.replace(at, 2, "/");
      }
      for (std::size_t at = 0; (at = part.find("~0", at)) != std::string::npos; ++at) {
        part.replace(at, 2, "~");
      }
      segments.push_back(Value::string(std::move(part)));
      if (slash == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(slash + 1);
    }
    return segments;
  }
  if (path.is_array()) {
    return path.as_array();
  }
  throw BuiltinError{"eval_type_error", fmt::format("{}: operand 2 must be one of {{set, array}} containing string "
                                                    "paths or array of path segments but got {}",
                                                    name, type_name(path))};
}

// OPA's pathsToObject: a tree of objects whose leaves (null) mark the selected paths.
Value paths_tree(std::string_view name, const Value& paths)
{
  if (!paths.is_array() && !paths.is_set()) {
    type_error(name, 2, "one of {set, array}", paths);
  }
  struct Node {
    bool leaf = false;
    std::vector<std::pair<Value, Node>> children;
    Node& child(const Value& key)
    {
      for (auto& [k, n] : children) {
        if (k == key) {
          return n;
        }
      }
      children.emplace_back(key, Node{});
      return children.back().second;
    }
    Value build() const
    {
      if (leaf) {
        return Value::null();
      }
      Entries entries;
      for (const auto& [k, n] : children) {
        entries.emplace_back(k, n.build());
      }
      return Value::object(std::move(entries));
    }
  };
  Node root;
  for (const Value& p : paths.as_array()) {
    const Array segments = parse_path(name, p);
    Node* node = &root;
    for (std::size_t i = 0; i < segments.size() && !node->leaf; ++i) {
      node = &node->child(segments[i]);
      if (i + 1 == segments.size()) {
        node->leaf = true;
        node->children.clear();
      }
    }
  }
  return root.build();
}

Value index_key(std::size_t i)
{
  return Value::string(std::to_string(i));
}

Value filter(const Value& doc, const Value& tree)
{
  if (tree.is_null()) {
    return doc;
  }
  switch (doc.kind()) {
  case Kind::array: {
    Array out;
    for (std::size_t i = 0; i < doc.as_array().size(); ++i) {
      const Value sub = tree.get(index_key(i));
      if (sub.defined()) {
        out.push_back(filter(doc.as_array()[i], sub));
      }
    }
    return Value::array(std::move(out));
  }
  case Kind::set: {
    Members out;
    for (const Value& m : doc.as_set()) {
      const Value sub = tree.get(m);
      if (sub.defined()) {
        out.push_back(filter(m, sub));
      }
    }
    return Value::set(std::move(out));
  }
  case Kind::object: {
    Entries out;
    for (const auto& [k, v] : doc.as_object()) {
      const Value sub = tree.get(k);
      if (sub.defined()) {
        out.emplace_back(k, filter(v, sub));
      }
    }
    return Value::object(std::move(out));
  }
  default:
    return doc;
  }
}

// `doc` without the leaves of `tree`; undefined when `doc` itself is removed.
Value remove(const Value& doc, const Value& tree)
{
  if (!tree.defined() || (!tree.is_object() && !tree.is_null())) {
    return doc;
  }
  if (tree.is_null()) {
    return {};
  }
  switch (doc.kind()) {
  case Kind::array: {
    Array out;
    for (std::size_t i = 0; i < doc.as_array().size(); ++i) {
      Value kept = remove(doc.as_array()[i], tree.get(index_key(i)));
      if (kept.defined()) {
        out.push_back(std::move(kept));
      }
    }
    return Value::array(std::move(out));
  }
  case Kind::set: {
    Members out;
    for (const Value& m : doc.as_set()) {
      Value kept = remove(m, tree.get(m));
      if (kept.defined()) {
        out.push_back(std::move(kept));
      }
    }
    return Value::set(std::move(out));
  }
  case Kind::object: {
    Entries out;
    for (const auto& [k, v] : doc.as_object()) {
      Value kept = remove(v, tree.get(k));
      if (kept.defined()) {
        out.emplace_back(k, std::move(kept));
      }
    }
    return Value::object(std::move(out));
  }
  default:
    return doc;
  }
}

Value json_filter(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_object()) {
    type_error("json.filter", 1, "object", a[0]);
  }
  return filter(a[0], paths_tree("json.filter", a[1]));
}

Value json_remove(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_object()) {
    type_error("json.remove", 1, "object", a[0]);
  }
  return remove(a[0], paths_tree("json.remove", a[1]));
}

// --- json.patch: edits on immutable values, each returning nullopt when the path does not apply.

std::optional<std::size_t> array_index(const Value& segment, std::size_t size, bool allow_end)
{
  std::int64_t i = -1;
  if (segment.is_int()) {
    i = segment.as_int();
  } else if (segment.is_string()) {
    const std::string& s = segment.as_string();
    if (allow_end && s == "-") {
      return size;
    }
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos ||
        (s.size() > 1 && s[0] == '0')) {
      return std::nullopt;
    }
    i = std::stoll(s);
  }
  if (i < 0 || static_cast<std::size_t>(i) > size || (!allow_end && static_cast<std::size_t>(i) == size)) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(i);
}

std::optional<Value> get_at(const Value& doc, std::span<const Value> path)
{
  if (path.empty()) {
    return doc;
  }
  Value next;
  if (doc.is_array()) {
    const auto i = array_index(path[0], doc.size(), false);
    if (!i) {
      return std::nullopt;
    }
    next = doc.as_array()[*i];
  } else if (doc.is_object() || doc.is_set()) {
    next = doc.get(path[0]);
  }
  if (!next.defined()) {
    return std::nullopt;
  }
  return get_at(next, path.subspan(1));
}

// `insert`: add (arrays shift right) when `value` is defined, else remove.
std::optional<Value> edit_at(const Value& doc, std::span<const Value> path, const Value& value)
{
  if (path.empty()) {
    return value.defined() ? std::optional(value) : std::nullopt;
  }
  const Value& key = path[0];
  const bool last = path.size() == 1;
  if (doc.is_object()) {
    Entries entries = doc.as_object();
    auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; });
    if (last) {
      if (value.defined()) {
        if (it != entries.end()) {
          it->second = value;
        } else {
          entries.emplace_back(key, value);
        }
      } else if (it != entries.end()) {
        entries.erase(it);
      } else {
        return std::nullopt;
      }
      return Value::object(std::move(entries));
    }
    if (it == entries.end()) {
      return std::nullopt;
    }
    auto sub = edit_at(it->second, path.subspan(1), value);
    if (!sub) {
      return std::nullopt;
    }
    it->second = *sub;
    return Value::object(std::move(entries));
  }
  if (doc.is_array()) {
    Array items = doc.as_array();
    const auto i = array_index(key, items.size(), last && value.defined());
    if (!i) {
      return std::nullopt;
    }
    if (last) {
      if (value.defined()) {
        items.insert(items.begin() + static_cast<std::ptrdiff_t>(*i), value);
      } else {
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(*i));
      }
      return Value::array(std::move(items));
    }
    auto sub = edit_at(items[*i], path.subspan(1), value);
    if (!sub) {
      return std::nullopt;
    }
    items[*i] = *sub;
    return Value::array(std::move(items));
  }
  if (doc.is_set() && last) {
    Members members = doc.as_set();
    if (value.defined()) {
      members.push_back(value);
    } else {
      auto it = std::find(members.begin(), members.end(), key);
      if (it == members.end()) {
        return std::nullopt;
      }
      members.erase(it);
    }
    return Value::set(std::move(members));
  }
  return std::nullopt;
}

std::optional<Value> apply_patch(const Value& doc, const Value& op)
{
  if (!op.is_object()) {
    return std::nullopt;
  }
  const Value* kind = op.find("op");
  const Value* path_value = op.find("path");
  if (kind == nullptr || !kind->is_string() || path_value == nullptr ||
      (!path_value->is_string() && !path_value->is_array())) {
    return std::nullopt;
  }
  const std::string& name = kind->as_string();
  const Array path = parse_path("json.patch", *path_value);
  const Value* value = op.find("value");
  const Value* from_value = op.find("from");
  if ((name == "add" || name == "replace" || name == "test") && value == nullptr) {
    return std::nullopt;
  }
  if ((name == "move" || name == "copy") &&
      (from_value == nullptr || (!from_value->is_string() && !from_value->is_array()))) {
    return std::nullopt;
  }
  if (name == "add") {
    return edit_at(doc, path, *value);
  }
  if (name == "remove") {
    return path.empty() ? std::nullopt : edit_at(doc, path, Value());
  }
  if (name == "replace") {
    if (!get_at(doc, path)) {
      return std::nullopt;
    }
    auto removed = path.empty() ? std::optional(doc) : edit_at(doc, path, Value());
    return removed ? edit_at(*removed, path, *value) : std::nullopt;
  }
  if (name == "test") {
    const auto found = get_at(doc, path);
    return found && *found == *value ? std::optional(doc) : std::nullopt;
  }
  if (name == "move" || name == "copy") {
    const Array from = parse_path("json.patch", *from_value);
    const auto chunk = get_at(doc, from);
    if (!chunk) {
      return std::nullopt;
    }
    std::optional<Value> base = doc;
    if (name == "move") {
      base = from.empty() ? std::nullopt : edit_at(doc, from, Value());
    }
    return base ? edit_at(*base, path, *chunk) : std::nullopt;
  }
  return std::nullopt;
}

Value json_patch(std::span<const Value> a, BuiltinContext&)
{
  if (!a[1].is_array()) {
    type_error("json.patch", 2, "array", a[1]);
  }
  Value doc = a[0];
  for (const Value& op : a[1].as_array()) {
    auto next = apply_patch(doc, op);
    if (!next) {
      return {};
    }
    doc = std::move(*next);
  }
  return doc;
}

// --- json.marshal_with_options

std::string go_escape(const std::string& json_text)
{
  std::string out;
  for (const char c : json_text) {
    if (c == '<' || c == '>' || c == '&') {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out;
}

void write_indented(const nlohmann::json& j, const std::string& prefix, const std::string& indent, int depth,
                    std::string& out)
{
  const auto newline = [&](int level) {
    out += '\n';
    out += prefix;
    for (int i = 0; i < level; ++i) {
      out += indent;
    }
  };
  if (j.is_object() && !j.empty()) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : j.items()) {
      out += first ? "" : ",";
      first = false;
      newline(depth + 1);
      out += go_escape(nlohmann::json(k).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + ": ";
      write_indented(v, prefix, indent, depth + 1, out);
    }
    newline(depth);
    out += '}';
  } else if (j.is_array() && !j.empty()) {
    out += '[';
    bool first = true;
    for (const auto& v : j) {
      out += first ? "" : ",";
      first = false;
      newline(depth + 1);
      write_indented(v, prefix, indent, depth + 1, out);
    }
    newline(depth);
    out += ']';
  } else {
    out += go_escape(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

Value json_marshal_with_options(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "json.marshal_with_options";
  if (!a[1].is_object()) {
    type_error(k_name, 2, "object", a[1]);
  }
  std::string indent = "\t";
  std::string prefix;
  bool implicit_pretty = false;
  std::optional<bool> pretty;
  for (const auto& [key, value] : a[1].as_object()) {
    const std::string k = key.is_string() ? key.as_string() : to_text(key);
    if (k == "prefix" || k == "indent") {
      if (!value.is_string()) {
        error(k_name, fmt::format("operand 2 key {} failed cast to string: operand 1 must be string but got {}", k,
                                  type_name(value)));
      }
      (k == "prefix" ? prefix : indent) = value.as_string();
      implicit_pretty = true;
    } else if (k == "pretty") {
      if (!value.is_bool()) {
        error(k_name, fmt::format("operand 2 key {} failed cast to bool: operand 1 must be boolean but got {}", k,
                                  type_name(value)));
      }
      pretty = value.as_bool();
    } else {
      error(k_name, fmt::format("operand 2 object contained unknown key {}", k));
    }
  }
  const nlohmann::json j = to_json(a[0]);
  if (!pretty.value_or(implicit_pretty)) {
    return Value::string(go_escape(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  }
  std::string out = prefix;
  write_indented(j, prefix, indent, 0, out);
  return Value::string(std::move(out));
}

constexpr Builtin k_json[] = {
    {"json.filter", 2, &json_filter},
    {"json.remove", 2, &json_remove},
    {"json.patch", 2, &json_patch},
    {"json.marshal_with_options", 2, &json_marshal_with_options},
};

} // namespace

std::span<const Builtin> builtin::json_builtins()
{
  return k_json;
}

} // namespace tollgate::rego
