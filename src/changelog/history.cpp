#include "changelog/history.hpp"

#include "git/objects.hpp"
#include "git/revwalk.hpp"
#include "git/tags.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace tollgate::changelog {

namespace {

struct OidHash {
  std::size_t operator()(const git::Oid& id) const
  {
    std::size_t value = 0;
    std::memcpy(&value, id.raw().id, sizeof(value));
    return value;
  }
};

Change make_change(const git::Oid& id, const git::CommitView& view)
{
  Change change;
  change.id = id;
  change.author = std::string(view.author_name);
  change.time = view.committer_time;
  change.merge = view.parents.size() > 1;
  change.message = parse_message(view.message);
  return change;
}

// A walk from `tip` (without `exclude` and its ancestors) and a reader for the commits it yields.
struct Walk {
  git::Revwalk walk;
  git::CommitReader reader;
};

Result<Walk> start_walk(const git::Repository& repo, const git::Oid& tip, const std::optional<git::Oid>& exclude)
{
  auto walk = git::Revwalk::create(repo);
  if (!walk) {
    return std::unexpected(walk.error());
  }
  auto reader = git::CommitReader::create(repo);
  if (!reader) {
    return std::unexpected(reader.error());
  }
  if (auto pushed = walk->push(tip); !pushed) {
    return std::unexpected(pushed.error());
  }
  if (exclude) {
    if (auto hidden = walk->hide(*exclude); !hidden) {
      return std::unexpected(hidden.error());
    }
  }
  return Walk{std::move(*walk), std::move(*reader)};
}

// The title a merge would speak with: its own header when conventional, else the pull request's
// title on the body's first line (GitHub's ` (#N)` of `Merge pull request #N from ...` appended).
std::optional<Message> merge_title(const Message& merge)
{
  if (merge.kind == MessageKind::conventional) {
    return merge;
  }
  const std::string_view body = merge.body;
  Message title;
  if (!parse_header(util::trim(body.substr(0, body.find('\n'))), title)) {
    return std::nullopt;
  }
  const std::string_view header = merge.description;
  constexpr std::string_view k_github = "Merge pull request #";
  if (header.starts_with(k_github)) {
    const std::string_view number = header.substr(k_github.size(), header.find(' ', k_github.size()) - k_github.size());
    const std::string suffix = fmt::format(" (#{})", number);
    if (!title.description.ends_with(suffix)) {
      title.description += suffix;
    }
  }
  return title;
}

// True when a commit reachable from `branch` and not from `base` is conventional (or a revert).
Result<bool> branch_has_conventional(const git::Repository& repo, const git::Oid& branch, const git::Oid& base)
{
  auto started = start_walk(repo, branch, base);
  if (!started) {
    return std::unexpected(started.error());
  }
  auto& [walk, reader] = *started;
  while (auto id = walk.next()) {
    auto view = reader.read(*id);
    if (!view) {
      return std::unexpected(view.error());
    }
    const MessageKind kind = parse_message(view->message).kind;
    if ((kind == MessageKind::conventional || kind == MessageKind::revert) && view->parents.size() < 2) {
      return true;
    }
  }
  if (walk.error()) {
    return std::unexpected(*walk.error());
  }
  return false;
}

// The parents of `id` (read again: a Change keeps none, the whole history holds one per commit).
Result<std::vector<git::Oid>> parents_of(const git::Repository& repo, std::optional<git::CommitReader>& reader,
                                         const git::Oid& id)
{
  if (!reader) {
    auto created = git::CommitReader::create(repo);
    if (!created) {
      return std::unexpected(created.error());
    }
    reader.emplace(std::move(*created));
  }
  auto view = reader->read(id);
  if (!view) {
    return std::unexpected(view.error());
  }
  return std::vector<git::Oid>(view->parents.begin(), view->parents.end());
}

} // namespace

Result<void> adopt_merge_titles(const git::Repository& repo, std::vector<Change>& changes)
{
  std::optional<git::CommitReader> reader;
  for (Change& change : changes) {
    if (!change.merge || change.merge_title) {
      continue;
    }
    auto title = merge_title(change.message);
    if (!title) {
      continue;
    }
    auto parents = parents_of(repo, reader, change.id);
    if (!parents) {
      return std::unexpected(parents.error());
    }
    auto conventional = branch_has_conventional(repo, (*parents)[1], (*parents)[0]);
    if (!conventional) {
      return std::unexpected(conventional.error());
    }
    if (!*conventional) {
      title->body = change.message.kind == MessageKind::conventional ? change.message.body : std::string();
      change.message = std::move(*title);
      change.merge_title = true;
    }
  }
  return {};
}

Result<void> drop_reverted_branches(const git::Repository& repo, std::vector<Change>& changes)
{
  std::vector<std::pair<std::size_t, std::string>> merges; // index, hex
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].merge) {
      merges.emplace_back(i, changes[i].id.hex());
    }
  }
  const auto names = [](std::string_view hex, const Change& revert) {
    return !revert.message.reverts.empty() && hex.starts_with(revert.message.reverts);
  };
  std::optional<git::CommitReader> reader;
  std::unordered_set<git::Oid, OidHash> undone;
  for (const Change& revert : changes) {
    if (revert.message.reverts.empty() || merges.empty()) {
      continue;
    }
    const auto merge =
        std::find_if(merges.begin(), merges.end(), [&](const auto& m) { return names(m.second, revert); });
    if (merge == merges.end() || std::any_of(changes.begin(), changes.end(), [&](const Change& other) {
          return !other.message.reverts.empty() && names(revert.id.hex(), other);
        })) {
      continue; // no merge in range, or the revert is itself reverted (the branch is back)
    }
    auto parents = parents_of(repo, reader, changes[merge->first].id);
    if (!parents) {
      return std::unexpected(parents.error());
    }
    auto started = start_walk(repo, (*parents)[1], (*parents)[0]);
    if (!started) {
      return std::unexpected(started.error());
    }
    while (auto id = started->walk.next()) {
      undone.insert(*id);
    }
    if (started->walk.error()) {
      return std::unexpected(*started->walk.error());
    }
  }
  if (!undone.empty()) {
    std::erase_if(changes, [&](const Change& change) { return undone.contains(change.id); });
  }
  return {};
}

Result<void> keep_touching(const git::Repository& repo, const Settings& settings, std::vector<Change>& changes)
{
  if (!filters_paths(settings)) {
    return {};
  }
  std::optional<git::CommitReader> reader;
  std::vector<Change> kept;
  for (Change& change : changes) {
    auto parents = parents_of(repo, reader, change.id);
    if (!parents) {
      return std::unexpected(parents.error());
    }
    auto changed = git::changed_paths(repo, parents->empty() ? std::nullopt : std::optional<git::Oid>(parents->front()),
                                      change.id);
    if (!changed) {
      return std::unexpected(changed.error());
    }
    if (touches_paths(settings, *changed)) {
      kept.push_back(std::move(change));
    }
  }
  changes = std::move(kept);
  return {};
}

Result<std::vector<ReleaseTag>> release_tags(const git::Repository& repo, std::string_view prefix)
{
  auto listed = git::list_tags(repo, prefix);
  if (!listed) {
    return std::unexpected(listed.error());
  }
  std::vector<ReleaseTag> tags;
  for (auto& tag : *listed) {
    auto version = parse_version(std::string_view(tag.name).substr(prefix.size()));
    if (version) {
      tags.push_back(ReleaseTag{std::move(tag.name), std::move(*version), tag.commit, tag.tagger_time});
    }
  }
  // Highest first; equal precedence (build metadata differs) by name, for a stable order.
  std::sort(tags.begin(), tags.end(), [](const ReleaseTag& a, const ReleaseTag& b) {
    const auto order = compare(a.version, b.version);
    return order != 0 ? order > 0 : a.name < b.name;
  });
  return tags;
}

Result<std::optional<ReleaseTag>> last_release(const git::Repository& repo, const std::vector<ReleaseTag>& tags,
                                               const git::Oid& candidate, bool prereleases)
{
  for (const auto& tag : tags) {
    if (tag.version.is_prerelease() && !prereleases) {
      continue;
    }
    auto reachable = git::descends_from(repo, candidate, tag.commit);
    if (!reachable) {
      return std::unexpected(reachable.error());
    }
    if (*reachable) {
      return std::optional<ReleaseTag>(tag);
    }
  }
  return std::optional<ReleaseTag>();
}

Result<std::vector<Change>> changes_between(const git::Repository& repo, const git::Oid& tip,
                                            const std::optional<git::Oid>& exclude)
{
  auto started = start_walk(repo, tip, exclude);
  if (!started) {
    return std::unexpected(started.error());
  }
  auto& [walk, reader] = *started;
  std::vector<Change> changes;
  while (auto id = walk.next()) {
    auto view = reader.read(*id);
    if (!view) {
      return std::unexpected(view.error());
    }
    changes.push_back(make_change(*id, *view));
  }
  if (walk.error()) {
    return std::unexpected(*walk.error());
  }
  return changes;
}

Result<HistorySplit> changes_by_release(const git::Repository& repo, const git::Oid& tip,
                                        const std::vector<ReleaseTag>& tags)
{
  auto started = start_walk(repo, tip, std::nullopt);
  if (!started) {
    return std::unexpected(started.error());
  }
  auto& [walk, reader] = *started;
  // A commit belongs to the oldest release containing it: the largest index into `tags`. The walk
  // is topological (children first), so a commit's label is final when it is reached and flows on
  // to its parents. -1: no release contains it (yet).
  std::unordered_map<git::Oid, int, OidHash> tagged; // the highest tag on each tagged commit
  for (std::size_t i = 0; i < tags.size(); ++i) {
    tagged.emplace(tags[i].commit, static_cast<int>(i));
  }
  std::unordered_map<git::Oid, int, OidHash> labels;
  HistorySplit split;
  split.groups.resize(tags.size() + 1);
  split.reached.assign(tags.size(), false);
  split.commit_times.assign(tags.size(), 0);
  while (auto id = walk.next()) {
    int label = -1;
    if (auto it = labels.find(*id); it != labels.end()) {
      label = it->second;
      labels.erase(it);
    }
    const auto tag = tagged.find(*id);
    if (tag != tagged.end()) {
      label = std::max(label, tag->second);
    }
    auto view = reader.read(*id);
    if (!view) {
      return std::unexpected(view.error());
    }
    if (tag != tagged.end()) {
      for (std::size_t i = 0; i < tags.size(); ++i) {
        if (tags[i].commit == *id) {
          split.reached[i] = true;
          split.commit_times[i] = view->committer_time;
        }
      }
    }
    for (const git::Oid& parent : view->parents) {
      auto [it, inserted] = labels.emplace(parent, label);
      if (!inserted) {
        it->second = std::max(it->second, label);
      }
    }
    split.groups[label < 0 ? tags.size() : static_cast<std::size_t>(label)].push_back(make_change(*id, *view));
  }
  if (walk.error()) {
    return std::unexpected(*walk.error());
  }
  return split;
}

} // namespace tollgate::changelog
