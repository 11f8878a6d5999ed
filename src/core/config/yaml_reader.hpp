#pragma once
// Strict access to one YAML mapping: typed getters that reject wrong types and out-of-range values,
// and `finish()` that rejects keys nobody asked for, with a "did you mean" suggestion.
// Every failure throws ConfigError carrying `file:line:col`.

#include "core/config/config.hpp"
#include "util/expected.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

class ConfigError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

Location location_of(const YAML::Node& node, const std::string& file);
[[noreturn]] void config_error(const YAML::Node& node, const std::string& file, const std::string& message);

// A yaml-cpp error as one line: `file:line:col: message`, or `file: message` without a position.
std::string yaml_error(const YAML::Exception& error, const std::string& file);

// Every document of `text` (YAML::LoadAll), or an error value `file:line:col: message` for a
// syntax error. Guards against yaml-cpp 0.7 looping forever, producing empty documents, at a token
// no document consumes (a stray `,` at block level); that is an error here.
Result<std::vector<YAML::Node>> load_all_yaml(std::string_view text, const std::string& file);

class YamlMap {
public:
  // `what` names the mapping in messages ("`sandbox`", "check `pytest`").
  YamlMap(const YAML::Node& node, std::string file, std::string what);

  bool has(const std::string& key) const;
  std::optional<std::string> string(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  std::optional<long long> integer(const std::string& key, long long min, long long max);
  std::optional<double> number(const std::string& key, double min, double max);
  std::optional<std::vector<std::string>> strings(const std::string& key); // a list, or one string
  std::optional<YAML::Node> node(const std::string& key);                  // any type, marked used
  // Marks `key` as understood without reading it (handled elsewhere).
  void allow(const std::string& key);
  // Throws for the first key (in file order) that no getter asked for.
  void finish() const;

  const std::string& file() const { return m_file; }
  const YAML::Node& yaml() const { return m_node; }

private:
  std::optional<YAML::Node> lookup(const std::string& key);
  YAML::Node m_node;
  std::string m_file;
  std::string m_what;
  std::vector<std::string> m_known;
};

} // namespace tollgate::core
