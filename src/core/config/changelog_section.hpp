#pragma once
// The `changelog:` section of tollgate.yaml (docs/changelog.md): section titles, the bump table,
// templates and the rest of changelog::Settings, read strictly (errors name `file:line:col`).

#include "changelog/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <string>

namespace tollgate::core {

void read_changelog(const YAML::Node& node, const std::string& file, changelog::Settings& settings);

} // namespace tollgate::core
