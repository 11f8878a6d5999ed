#include "core/config/changelog_section.hpp"

#include "core/config/yaml_reader.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace tollgate::core {

namespace {

// `types:` / `scopes:`: a mapping of names to section titles, merged over the defaults ("" hides).
void read_titles(const YAML::Node& node, const std::string& file, const std::string& what,
                 std::vector<std::pair<std::string, std::string>>& table)
{
  if (!node.IsMap()) {
    config_error(node, file,
                 fmt::format("`{}` must be a mapping of names to section titles (e.g. `feat: Added`)", what));
  }
  for (const auto& item : node) {
    if (!item.first.IsScalar() || item.first.Scalar().empty()) {
      config_error(item.first, file,
                   fmt::format("each key of `{}` is a commit {}", what, what == "types" ? "type" : "scope"));
    }
    if (!item.second.IsNull() && !item.second.IsScalar()) {
      config_error(item.second, file,
                   fmt::format("`{}.{}` must be a section title (\"\" hides it)", what, item.first.Scalar()));
    }
    std::string name = item.first.Scalar();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string title = item.second.IsNull() ? std::string() : item.second.Scalar();
    auto existing = std::find_if(table.begin(), table.end(), [&](const auto& entry) { return entry.first == name; });
    if (existing != table.end()) {
      existing->second = title;
    } else {
      table.emplace_back(name, title);
    }
  }
}

// `changelog.bump`: type -> major | minor | patch | none, merged over the preset.
void read_bumps(const YAML::Node& node, const std::string& file, changelog::BumpTable& table)
{
  if (!node.IsMap()) {
    config_error(node, file, "`bump` must be a mapping of commit types to `major`, `minor`, `patch` or `none`");
  }
  for (const auto& item : node) {
    const std::string value = item.second.IsScalar() ? item.second.Scalar() : "";
    const changelog::Bump bump = value == "major"   ? changelog::Bump::major
                                 : value == "minor" ? changelog::Bump::minor
                                 : value == "patch" ? changelog::Bump::patch
                                                    : changelog::Bump::none;
    if (!item.first.IsScalar() || item.first.Scalar().empty() || (bump == changelog::Bump::none && value != "none")) {
      config_error(item.second, file,
                   fmt::format("`bump.{}` must be `major`, `minor`, `patch` or `none`",
                               item.first.IsScalar() ? item.first.Scalar() : "?"));
    }
    const std::string name = util::to_lower(item.first.Scalar());
    auto existing = std::find_if(table.begin(), table.end(), [&](const auto& entry) { return entry.first == name; });
    if (existing != table.end()) {
      existing->second = bump;
    } else {
      table.emplace_back(name, bump);
    }
  }
}

} // namespace

void read_changelog(const YAML::Node& node, const std::string& file, changelog::Settings& settings)
{
  YamlMap map(node, file, "`changelog`");
  if (auto types = map.node("types")) {
    read_titles(*types, file, "types", settings.types);
  }
  if (auto scopes = map.node("scopes")) {
    read_titles(*scopes, file, "scopes", settings.scopes);
  }
  settings.breaking_section = map.string("breaking_section").value_or(settings.breaking_section);
  settings.include_other = map.boolean("include_other").value_or(settings.include_other);
  settings.other_section = map.string("other_section").value_or(settings.other_section);
  settings.include_merges = map.boolean("include_merges").value_or(settings.include_merges);
  settings.include_fixups = map.boolean("include_fixups").value_or(settings.include_fixups);
  settings.cancel_reverts = map.boolean("cancel_reverts").value_or(settings.cancel_reverts);
  if (auto preset = map.string("preset")) {
    if (*preset != "conventional" && *preset != "commitizen") {
      config_error(node["preset"], file,
                   fmt::format("`preset` must be `conventional` (semantic-release, release-please) or `commitizen`, "
                               "not `{}`",
                               *preset));
    }
    settings.bump = *preset == "commitizen" ? changelog::commitizen_bumps() : changelog::conventional_bumps();
  }
  if (auto bump = map.node("bump")) {
    read_bumps(*bump, file, settings.bump);
  }
  if (auto zero = map.string("zero_major_breaking")) { // the older spelling of release.bump_minor_pre_major
    if (*zero != "minor" && *zero != "major") {
      config_error(node["zero_major_breaking"], file,
                   fmt::format("`zero_major_breaking` must be `minor` or `major`, not `{}`", *zero));
    }
    settings.bump_minor_pre_major = *zero == "minor";
  }
  if (auto initial = map.string("initial_version")) {
    const auto version = changelog::parse_version(*initial);
    if (!version || version->is_prerelease() || !version->build.empty()) {
      config_error(node["initial_version"], file,
                   fmt::format("`initial_version` must be a SemVer version like 0.1.0, not `{}`", *initial));
    }
    settings.initial_version = *initial;
  }
  map.finish();
  for (const char* key : {"breaking_section", "other_section"}) {
    if (map.has(key) && node[key].Scalar().empty()) {
      config_error(node[key], file, fmt::format("`{}` must not be empty", key));
    }
  }
}

} // namespace tollgate::core
