// yaml.marshal, yaml.unmarshal and yaml.is_valid (yaml-cpp; plain scalars typed as YAML 1.2's core
// schema does: null, booleans, integers, floats, else strings).

#include "rego/builtins.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;

constexpr int k_max_depth = 200;

Value scalar_value(const YAML::Node& node)
{
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") { // quoted: always a string
    return Value::string(text);
  }
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return Value::null();
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return Value::boolean(true);
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return Value::boolean(false);
  }
  std::int64_t i = 0;
  const char* begin = text.data() + (text.starts_with("+") ? 1 : 0);
  if (auto r = std::from_chars(begin, text.data() + text.size(), i);
      r.ec == std::errc() && r.ptr == text.data() + text.size()) {
    return Value::integer(i);
  }
  double d = 0;
  if (auto r = std::from_chars(begin, text.data() + text.size(), d);
      r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(d)) {
    return Value::number(d);
  }
  return Value::string(text);
}

Value from_yaml(const YAML::Node& node, int depth)
{
  if (depth > k_max_depth) {
    error("yaml.unmarshal", "document nested too deeply");
  }
  switch (node.Type()) {
  case YAML::NodeType::Scalar:
    return scalar_value(node);
  case YAML::NodeType::Sequence: {
    Array items;
    for (const auto& item : node) {
      items.push_back(from_yaml(item, depth + 1));
    }
    return Value::array(std::move(items));
  }
  case YAML::NodeType::Map: {
    Entries entries;
    for (const auto& entry : node) {
      entries.emplace_back(Value::string(entry.first.as<std::string>()), from_yaml(entry.second, depth + 1));
    }
    return Value::object(std::move(entries));
  }
  default:
    return Value::null();
  }
}

void emit(YAML::Emitter& out, const Value& v)
{
  switch (v.kind()) {
  case Kind::undefined:
  case Kind::null:
    out << YAML::Null;
    break;
  case Kind::boolean:
    out << v.as_bool();
    break;
  case Kind::number:
    out << number_text(v);
    break;
  case Kind::string:
    out << YAML::DoubleQuoted << v.as_string();
    break;
  case Kind::array:
  case Kind::set:
    out << YAML::BeginSeq;
    for (const auto& item : v.as_array()) {
      emit(out, item);
    }
    out << YAML::EndSeq;
    break;
  case Kind::object:
    out << YAML::BeginMap;
    for (const auto& [key, value] : v.as_object()) {
      out << YAML::Key << (key.is_string() ? key.as_string() : to_text(key)) << YAML::Value;
      emit(out, value);
    }
    out << YAML::EndMap;
    break;
  }
}

Value yaml_marshal(std::span<const Value> a, BuiltinContext&)
{
  YAML::Emitter out;
  emit(out, a[0]);
  return Value::string(std::string(out.c_str()) + "\n");
}

Value yaml_unmarshal(std::span<const Value> a, BuiltinContext&)
{
  try {
    return from_yaml(YAML::Load(str("yaml.unmarshal", a, 0)), 0);
  } catch (const YAML::Exception& e) {
    error("yaml.unmarshal", e.what());
  }
}

Value yaml_is_valid(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_string()) {
    return Value::boolean(false);
  }
  try {
    (void)from_yaml(YAML::Load(a[0].as_string()), 0);
    return Value::boolean(true);
  } catch (const YAML::Exception&) {
    return Value::boolean(false);
  } catch (const BuiltinError&) {
    return Value::boolean(false);
  }
}

constexpr Builtin k_yaml[] = {
    {"yaml.marshal", 1, &yaml_marshal},
    {"yaml.unmarshal", 1, &yaml_unmarshal},
    {"yaml.is_valid", 1, &yaml_is_valid},
};

} // namespace

std::span<const Builtin> builtin::yaml_builtins()
{
  return k_yaml;
}

Value builtin::parse_yaml(const std::string& text)
{
  try {
    return from_yaml(YAML::Load(text), 0);
  } catch (const YAML::Exception& e) {
    throw BuiltinError{"eval_builtin_error", e.what()};
  }
}

} // namespace tollgate::rego
