#include "core/config/version_files_config.hpp"

#include "core/config/yaml_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::core {

std::vector<version_files::Entry> read_version_files(const YAML::Node& node, const std::string& file,
                                                     const std::string& changelog)
{
  std::vector<version_files::Entry> entries;
  if (node.IsNull()) {
    return entries;
  }
  if (!node.IsSequence()) {
    config_error(node, file, "`version_files` must be a list of paths or `{path, pattern}` mappings");
  }
  for (const auto& item : node) {
    std::string path;
    std::string pattern;
    if (item.IsScalar()) {
      path = item.Scalar();
    } else if (item.IsMap()) {
      YamlMap map(item, file, "a version file");
      path = map.string("path").value_or("");
      pattern = map.string("pattern").value_or("");
      map.finish();
      if (!map.has("path")) {
        config_error(item, file, "a version file needs `path`");
      }
    } else {
      config_error(item, file, "each version file is a path or `{path, pattern}`");
    }
    if (path == changelog) {
      config_error(item, file, fmt::format("`{}` is release.changelog, not a version file", path));
    }
    if (std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.path == path; })) {
      config_error(item, file, fmt::format("version file `{}` is listed twice", path));
    }
    auto entry = version_files::make_entry(path, pattern, location_of(item, file).str());
    if (!entry) {
      const bool of_pattern = !pattern.empty() && entry.error().message.find("pattern") != std::string::npos;
      config_error(item.IsMap() ? item[of_pattern ? "pattern" : "path"] : item, file, entry.error().message);
    }
    entries.push_back(std::move(*entry));
  }
  return entries;
}

} // namespace tollgate::core
