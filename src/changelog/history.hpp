#pragma once
// The history a changelog is made of: release tags (prefix + SemVer) and the commits between
// them, read in one revwalk with messages straight from the object database.

#include "changelog/message.hpp"
#include "changelog/semver.hpp"
#include "changelog/settings.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::changelog {

struct ReleaseTag {
  std::string name; // `v1.4.0`
  Version version;
  git::Oid commit;
  std::optional<std::int64_t> tagger_time; // annotated tags
};

// One commit as the changelog sees it.
struct Change {
  git::Oid id;
  std::string author;
  std::int64_t time = 0;    // committer time
  bool merge = false;       // more than one parent
  bool merge_title = false; // a merge speaking for its branch: `message` is its title (adopt_merge_titles)
  Message message;
};

// Tags named `prefix` + a SemVer version (others are ignored), highest precedence first.
Result<std::vector<ReleaseTag>> release_tags(const git::Repository& repo, std::string_view prefix);

// The highest tag of `tags` (sorted as release_tags returns them) that `candidate` descends from,
// prereleases included only when `prereleases`; nullopt when none.
Result<std::optional<ReleaseTag>> last_release(const git::Repository& repo, const std::vector<ReleaseTag>& tags,
                                               const git::Oid& candidate, bool prereleases);

// The commits reachable from `tip` and not from `exclude`, newest first (git log order).
Result<std::vector<Change>> changes_between(const git::Repository& repo, const git::Oid& tip,
                                            const std::optional<git::Oid>& exclude);

// Merges whose branch commits (reachable from the second parent, not the first) hold no
// conventional or revert commit, and whose title (`feat: x`, or the pull request's title on the
// body's first line: GitHub's `Merge pull request #12 from ...`, GitLab's `Merge branch ...`) is
// conventional, take that title (with GitHub's ` (#12)`) and count as that commit.
Result<void> adopt_merge_titles(const git::Repository& repo, std::vector<Change>& changes);

// A revert in `changes` of a merge in `changes` (`git revert -m 1`) undoes the merge's branch: the
// branch's commits (reachable from its second parent, not its first) drop out, unless the revert is
// reverted in `changes` too. The revert and the merge cancel later, as any pair (sections.hpp).
Result<void> drop_reverted_branches(const git::Repository& repo, std::vector<Change>& changes);

// Drops the commits that touch no path of `settings.paths` (or only `exclude_paths`), comparing each
// with its first parent; nothing to do when neither is set.
Result<void> keep_touching(const git::Repository& repo, const Settings& settings, std::vector<Change>& changes);

// The whole history from `tip`, split by release (`tags` sorted highest first).
struct HistorySplit {
  // `groups[i]`: the commits whose oldest containing release is `tags[i]`; `groups[tags.size()]`:
  // those no release contains (unreleased). Each newest first. Of several tags on one commit,
  // the highest takes its commits.
  std::vector<std::vector<Change>> groups;
  std::vector<bool> reached;              // tags[i]'s commit is an ancestor of `tip` (or is it)
  std::vector<std::int64_t> commit_times; // tags[i]'s commit's committer time, when reached
};
Result<HistorySplit> changes_by_release(const git::Repository& repo, const git::Oid& tip,
                                        const std::vector<ReleaseTag>& tags);

} // namespace tollgate::changelog
