#include "changelog/sections.hpp"

#include <algorithm>
#include <unordered_set>

namespace tollgate::changelog {

namespace {

// Indices of the changes dropped because a revert in range undoes them (both are dropped).
std::unordered_set<std::size_t> cancelled_reverts(const std::vector<Change>& changes)
{
  std::unordered_set<std::size_t> dropped;
  std::vector<std::string> hex; // computed only when some revert names a commit
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const std::string& target = changes[i].message.reverts;
    if (target.empty() || dropped.contains(i)) {
      continue;
    }
    if (hex.empty()) {
      hex.reserve(changes.size());
      for (const auto& change : changes) {
        hex.push_back(change.id.hex());
      }
    }
    for (std::size_t j = 0; j < changes.size(); ++j) {
      if (j != i && !dropped.contains(j) && hex[j].starts_with(target)) {
        dropped.insert(i);
        dropped.insert(j);
        break;
      }
    }
  }
  return dropped;
}

} // namespace

std::string title_for(const Change& change, const Settings& settings)
{
  const Message& message = change.message;
  if (change.merge || message.kind == MessageKind::merge) {
    return settings.include_merges ? settings.other_section : std::string();
  }
  switch (message.kind) {
  case MessageKind::fixup:
    return settings.include_fixups ? settings.other_section : std::string();
  case MessageKind::other:
    return settings.include_other ? settings.other_section : std::string();
  case MessageKind::conventional:
  case MessageKind::revert:
  case MessageKind::merge:
    break;
  }
  return section_for(settings, message.type, message.scope, message.breaking);
}

Grouping group_changes(const std::vector<Change>& changes, const Settings& settings)
{
  Grouping grouping;
  const auto dropped = settings.cancel_reverts ? cancelled_reverts(changes) : std::unordered_set<std::size_t>();
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (dropped.contains(i)) {
      continue;
    }
    const Change& change = changes[i];
    std::string title = title_for(change, settings);
    if (title.empty()) {
      continue;
    }
    auto section = std::find_if(grouping.sections.begin(), grouping.sections.end(),
                                [&](const Section& s) { return s.title == title; });
    if (section == grouping.sections.end()) {
      grouping.sections.push_back(Section{std::move(title), {}});
      section = grouping.sections.end() - 1;
    }
    section->changes.push_back(i);
    ++grouping.listed;
    const Bump bump = change.message.breaking ? Bump::major : change.message.type == "feat" ? Bump::minor : Bump::patch;
    grouping.bump = std::max(grouping.bump, bump);
  }
  std::stable_sort(grouping.sections.begin(), grouping.sections.end(), [&](const Section& a, const Section& b) {
    return section_rank(settings, a.title) < section_rank(settings, b.title);
  });
  for (auto& section : grouping.sections) {
    std::stable_partition(section.changes.begin(), section.changes.end(),
                          [&](std::size_t i) { return changes[i].message.breaking; });
  }
  return grouping;
}

} // namespace tollgate::changelog
