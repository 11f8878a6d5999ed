#include "core/yaml_reader.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tollgate::core {

Location location_of(const YAML::Node& node, const std::string& file)
{
  Location location{file, 0, 0};
  if (node.IsDefined()) {
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
      location.line = mark.line + 1;
      location.column = mark.column + 1;
    }
  }
  return location;
}

void config_error(const YAML::Node& node, const std::string& file, const std::string& message)
{
  throw ConfigError(location_of(node, file).str() + ": " + message);
}

namespace {

std::string type_name(const YAML::Node& node)
{
  switch (node.Type()) {
  case YAML::NodeType::Null:
    return "null";
  case YAML::NodeType::Scalar:
    return "a scalar";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Undefined:
    break;
  }
  return "nothing";
}

// A scalar written without quotes that YAML would read as a string but a user might mean otherwise.
bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "?"; }

} // namespace

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string what)
    : m_node(node), m_file(std::move(file)), m_what(std::move(what))
{
  if (!m_node.IsMap() && !m_node.IsNull()) {
    config_error(m_node, m_file, fmt::format("{} must be a mapping, not {}", m_what, type_name(m_node)));
  }
}

std::optional<YAML::Node> YamlMap::lookup(const std::string& key)
{
  m_known.push_back(key);
  if (!m_node.IsMap()) {
    return std::nullopt;
  }
  for (const auto& entry : m_node) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      return entry.second;
    }
  }
  return std::nullopt;
}

bool YamlMap::has(const std::string& key) const
{
  if (!m_node.IsMap()) {
    return false;
  }
  return std::any_of(m_node.begin(), m_node.end(),
                     [&](const auto& entry) { return entry.first.IsScalar() && entry.first.Scalar() == key; });
}

void YamlMap::allow(const std::string& key) { m_known.push_back(key); }

std::optional<YAML::Node> YamlMap::node(const std::string& key) { return lookup(key); }

std::optional<std::string> YamlMap::string(const std::string& key)
{
  auto value = lookup(key);
  if (!value) {
    return std::nullopt;
  }
  if (value->IsNull()) {
    return std::string();
  }
  if (!value->IsScalar()) {
    config_error(*value, m_file, fmt::format("`{}` must be a string, not {}", key, type_name(*value)));
  }
  return value->Scalar();
}

std::optional<bool> YamlMap::boolean(const std::string& key)
{
  auto value = lookup(key);
  if (!value) {
    return std::nullopt;
  }
  if (value->IsScalar() && is_plain_scalar(*value)) {
    const std::string& s = value->Scalar();
    if (s == "true" || s == "True" || s == "TRUE") {
      return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
      return false;
    }
  }
  config_error(*value, m_file, fmt::format("`{}` must be true or false", key));
}

std::optional<long long> YamlMap::integer(const std::string& key, long long min, long long max)
{
  auto value = lookup(key);
  if (!value) {
    return std::nullopt;
  }
  if (!value->IsScalar() || !is_plain_scalar(*value)) {
    config_error(*value, m_file, fmt::format("`{}` must be an integer", key));
  }
  const std::string& s = value->Scalar();
  long long parsed = 0;
  std::size_t used = 0;
  try {
    parsed = std::stoll(s, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size()) {
    config_error(*value, m_file, fmt::format("`{}` must be an integer, not `{}`", key, s));
  }
  if (parsed < min || parsed > max) {
    config_error(*value, m_file, fmt::format("`{}` must be between {} and {}, not {}", key, min, max, parsed));
  }
  return parsed;
}

std::optional<double> YamlMap::number(const std::string& key, double min, double max)
{
  auto value = lookup(key);
  if (!value) {
    return std::nullopt;
  }
  if (!value->IsScalar() || !is_plain_scalar(*value)) {
    config_error(*value, m_file, fmt::format("`{}` must be a number", key));
  }
  const std::string& s = value->Scalar();
  double parsed = 0;
  std::size_t used = 0;
  try {
    parsed = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size() || !std::isfinite(parsed)) {
    config_error(*value, m_file, fmt::format("`{}` must be a number, not `{}`", key, s));
  }
  if (parsed < min || parsed > max) {
    config_error(*value, m_file, fmt::format("`{}` must be between {} and {}, not {}", key, min, max, s));
  }
  return parsed;
}

std::optional<std::vector<std::string>> YamlMap::strings(const std::string& key)
{
  auto value = lookup(key);
  if (!value) {
    return std::nullopt;
  }
  std::vector<std::string> result;
  if (value->IsScalar()) {
    result.push_back(value->Scalar());
    return result;
  }
  if (!value->IsSequence()) {
    config_error(*value, m_file, fmt::format("`{}` must be a list of strings, not {}", key, type_name(*value)));
  }
  for (const auto& item : *value) {
    if (!item.IsScalar()) {
      config_error(item, m_file, fmt::format("`{}` must be a list of strings; this item is {}", key, type_name(item)));
    }
    result.push_back(item.Scalar());
  }
  return result;
}

void YamlMap::finish() const
{
  if (!m_node.IsMap()) {
    return;
  }
  for (const auto& entry : m_node) {
    if (!entry.first.IsScalar()) {
      config_error(entry.first, m_file, fmt::format("keys of {} must be strings", m_what));
    }
    const std::string& key = entry.first.Scalar();
    if (std::find(m_known.begin(), m_known.end(), key) == m_known.end()) {
      config_error(entry.first, m_file,
                   fmt::format("unknown key `{}` in {}{}", key, m_what, util::did_you_mean(key, m_known)));
    }
  }
  // Duplicate keys: yaml-cpp keeps both; the second one would silently be ignored.
  std::vector<std::string> seen;
  for (const auto& entry : m_node) {
    const std::string& key = entry.first.Scalar();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      config_error(entry.first, m_file, fmt::format("duplicate key `{}` in {}", key, m_what));
    }
    seen.push_back(key);
  }
}

} // namespace tollgate::core
