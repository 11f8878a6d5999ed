#include "changelog/settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace tollgate::changelog {

namespace {

constexpr std::array<std::string_view, 6> k_keep_a_changelog_order = {"Added",   "Changed", "Deprecated",
                                                                      "Removed", "Fixed",   "Security"};

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const std::string* lookup(const std::vector<std::pair<std::string, std::string>>& table, std::string_view key)
{
  for (const auto& [name, title] : table) {
    if (equal_ignoring_case(name, key)) {
      return &title;
    }
  }
  return nullptr;
}

// `path` is `dir` or lies under it (`dir` with or without a trailing '/'; "." and "" are the root).
bool under(std::string_view path, std::string_view dir)
{
  while (dir.starts_with("./")) {
    dir.remove_prefix(2);
  }
  while (dir.ends_with("/")) {
    dir.remove_suffix(1);
  }
  if (dir.empty() || dir == ".") {
    return true;
  }
  return path.starts_with(dir) && (path.size() == dir.size() || path[dir.size()] == '/');
}

} // namespace

BumpTable conventional_bumps()
{
  return {{"feat", Bump::minor}, {"fix", Bump::patch}, {"perf", Bump::patch}, {"revert", Bump::patch}};
}

BumpTable commitizen_bumps()
{
  return {{"feat", Bump::minor}, {"fix", Bump::patch}, {"refactor", Bump::patch}, {"perf", Bump::patch}};
}

Bump bump_for_type(const Settings& settings, std::string_view type)
{
  for (const auto& [name, bump] : settings.bump) {
    if (equal_ignoring_case(name, type)) {
      return bump;
    }
  }
  return Bump::none;
}

bool hidden_scope(const Settings& settings, std::string_view scope)
{
  return !scope.empty() && std::any_of(settings.hide_scopes.begin(), settings.hide_scopes.end(), [&](const auto& hide) {
    return scope.size() >= hide.size() && equal_ignoring_case(scope.substr(0, hide.size()), hide);
  });
}

bool touches_paths(const Settings& settings, const std::vector<std::string>& changed)
{
  return std::any_of(changed.begin(), changed.end(), [&](const std::string& path) {
    const auto in = [&](const std::string& dir) { return under(path, dir); };
    const bool included = settings.paths.empty() || std::any_of(settings.paths.begin(), settings.paths.end(), in);
    return included && std::none_of(settings.exclude_paths.begin(), settings.exclude_paths.end(), in);
  });
}

std::string section_for(const Settings& settings, std::string_view type, std::string_view scope, bool breaking)
{
  const std::string* title = scope.empty() ? nullptr : lookup(settings.scopes, scope);
  if (title == nullptr || title->empty()) {
    title = lookup(settings.types, type);
  }
  if (title != nullptr && !title->empty()) {
    return *title;
  }
  return breaking ? settings.breaking_section : std::string();
}

int section_rank(const Settings& settings, std::string_view title)
{
  const auto* known = std::find(k_keep_a_changelog_order.begin(), k_keep_a_changelog_order.end(), title);
  if (known != k_keep_a_changelog_order.end()) {
    return static_cast<int>(known - k_keep_a_changelog_order.begin());
  }
  if (title == settings.other_section) {
    return 10000;
  }
  int rank = 100;
  for (const auto* table : {&settings.types, &settings.scopes}) {
    for (const auto& entry : *table) {
      if (entry.second == title) {
        return rank;
      }
      ++rank;
    }
  }
  return rank; // the breaking section when it is no Keep a Changelog one
}

} // namespace tollgate::changelog
