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

} // namespace

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
