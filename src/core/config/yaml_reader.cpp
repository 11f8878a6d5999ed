#include "core/config/yaml_reader.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

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

// Remembers where the last document started, ignoring everything else.
class DocumentStarts final : public YAML::EventHandler {
public:
  void OnDocumentStart(const YAML::Mark& mark) override { m_last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  const YAML::Mark& last() const { return m_last; }

private:
  YAML::Mark m_last = YAML::Mark::null_mark();
};

} // namespace

Result<std::vector<YAML::Node>> load_all_yaml(std::string_view text, const std::string& file)
{
  const std::string content(text);
  try {
    // A first pass over the events: a document that starts where the previous one did consumed
    // nothing, and YAML::LoadAll would return such documents forever.
    std::istringstream stream(content);
    YAML::Parser parser(stream);
    DocumentStarts starts;
    std::optional<int> previous;
    while (parser.HandleNextDocument(starts)) {
      const YAML::Mark& mark = starts.last();
      if (previous && mark.pos == *previous) {
        const auto at = static_cast<std::size_t>(mark.pos);
        const char c = at < content.size() ? content[at] : '\0';
        return fail(fmt::format("{}:{}:{}: unexpected `{}`{}", file, mark.line + 1, mark.column + 1,
                                util::printable(std::string_view(&c, 1)),
                                c == ',' ? " (a `,` separates items only inside [...] or {...})" : ""));
      }
      previous = mark.pos;
    }
    return YAML::LoadAll(content);
  } catch (const YAML::Exception& error) {
    return fail(yaml_error(error, file));
  } catch (const std::exception& error) {
    return fail(fmt::format("{}: {}", file, error.what()));
  }
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
bool is_plain_scalar(const YAML::Node& node)
{
  return node.IsScalar() && node.Tag() == "?";
}

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

void YamlMap::allow(const std::string& key)
{
  m_known.push_back(key);
}

std::optional<YAML::Node> YamlMap::node(const std::string& key)
{
  return lookup(key);
}

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

std::string yaml_error(const YAML::Exception& error, const std::string& file)
{
  if (error.mark.is_null()) {
    return fmt::format("{}: {}", file, error.msg);
  }
  return fmt::format("{}:{}:{}: {}", file, error.mark.line + 1, error.mark.column + 1, error.msg);
}

} // namespace tollgate::core
