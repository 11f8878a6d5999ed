#include "changelog/history.hpp"

#include "git/objects.hpp"
#include "git/revwalk.hpp"
#include "git/tags.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

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

} // namespace

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
