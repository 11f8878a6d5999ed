#pragma once
// `release.version_files:` (docs/configuration.md): each item a path (a built-in format by its
// name) or `{path, pattern}`; read by core/config.cpp, understood by src/version_files.

#include "version_files/entry.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace tollgate::core {

// The entries of `node` (a list); throws ConfigError naming `file:line:col` for a malformed item, a
// path listed twice, the changelog listed as a version file, or an unknown format without a pattern.
std::vector<version_files::Entry> read_version_files(const YAML::Node& node, const std::string& file,
                                                     const std::string& changelog);

} // namespace tollgate::core
