#include "changelog/sections.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace tollgate::changelog {

namespace {

bool same_header(const Message& a, const Message& b)
{
  return a.kind == b.kind && a.type == b.type && a.scope == b.scope && a.description == b.description;
}

// The change a revert at `i` undoes: the commit its body names (`This reverts commit <sha>.`), or,
// when it names none, the nearest older commit whose header is the one in its title.
std::optional<std::size_t> reverted_change(const std::vector<Change>& changes, std::size_t i,
                                           const std::vector<std::string>& hex,
                                           const std::unordered_set<std::size_t>& dropped)
{
  const Message& revert = changes[i].message;
  for (std::size_t j = 0; j < changes.size() && !revert.reverts.empty(); ++j) {
    if (j != i && !dropped.contains(j) && hex[j].starts_with(revert.reverts)) {
      return j;
    }
  }
  const std::string_view reverted = reverted_header(revert);
  if (!revert.reverts.empty() || reverted.empty()) {
    return std::nullopt;
  }
  // The title's ` (#N)` may be the revert's own or the reverted squash commit's.
  const Message stripped = parse_message(reverted);
  const Message whole = parse_message(revert.description);
  for (std::size_t j = i + 1; j < changes.size(); ++j) {
    if (!dropped.contains(j) && (same_header(changes[j].message, stripped) || same_header(changes[j].message, whole))) {
      return j;
    }
  }
  return std::nullopt;
}

// Indices of the changes dropped because a revert in range undoes them (both are dropped).
std::unordered_set<std::size_t> cancelled_reverts(const std::vector<Change>& changes)
{
  std::unordered_set<std::size_t> dropped;
  std::vector<std::string> hex; // computed only when some revert names a commit
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const Message& message = changes[i].message;
    if ((message.reverts.empty() && message.revert_depth == 0) || dropped.contains(i)) {
      continue;
    }
    if (hex.empty()) {
      hex.reserve(changes.size());
      for (const auto& change : changes) {
        hex.push_back(change.id.hex());
      }
    }
    if (const auto j = reverted_change(changes, i, hex, dropped)) {
      dropped.insert(i);
      dropped.insert(*j);
    }
  }
  return dropped;
}

bool speaks(const Change& change)
{
  return !change.merge || change.merge_title;
}

} // namespace

Bump bump_of(const Change& change, const Settings& settings)
{
  const Message& message = change.message;
  if (!speaks(change) || (message.kind != MessageKind::conventional && message.kind != MessageKind::revert)) {
    return Bump::none;
  }
  return message.breaking ? Bump::major : bump_for_type(settings, message.type);
}

std::string title_for(const Change& change, const Settings& settings)
{
  const Message& message = change.message;
  if (!speaks(change) || message.kind == MessageKind::merge) {
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
  if (hidden_scope(settings, message.scope) && bump_of(change, settings) == Bump::none) {
    return {};
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
    grouping.bump = std::max(grouping.bump, bump_of(change, settings));
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
