#include "changelog/plan.hpp"

#include "changelog/links.hpp"
#include "changelog/versioning.hpp"
#include "git/objects.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

namespace tollgate::changelog {

namespace {

template <class T> Result<T> with_context(Result<T> result, std::string_view what)
{
  if (!result) {
    return fail(fmt::format("{}: {}", what, result.error().message));
  }
  return result;
}

std::string release_date(const PlanOptions& options)
{
  if (options.date) {
    return *options.date;
  }
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long seconds = std::strtoll(epoch, &end, 10);
    if (end != nullptr && *end == '\0') {
      return iso_date(seconds);
    }
  }
  const auto now = std::chrono::system_clock::now();
  return iso_date(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

// Where compare and tag links point: `origin`, when on a forge that has them.
std::optional<Forge> compare_forge(const git::Repository& repo)
{
  const auto url = git::remote_url(repo, "origin");
  auto forge = url ? forge_from_remote(*url) : std::nullopt;
  return forge && has_compare_links(*forge) ? forge : std::nullopt;
}

// Where `(#N)` links point: `release.repository`, else `origin`.
std::optional<Forge> link_forge(const git::Repository& repo, const Settings& settings)
{
  if (!settings.repository.empty()) {
    return forge_from_remote(settings.repository);
  }
  const auto url = git::remote_url(repo, "origin");
  return url ? forge_from_remote(*url) : std::nullopt;
}

// Merges speaking for their branch, reverted merges taking their branch along, only the commits
// touching `release.paths`.
Result<void> prepare_changes(const git::Repository& repo, const Settings& settings, std::vector<Change>& changes)
{
  if (auto adopted = adopt_merge_titles(repo, changes); !adopted) {
    return adopted;
  }
  if (auto undone = drop_reverted_branches(repo, changes); !undone) {
    return undone;
  }
  return keep_touching(repo, settings, changes);
}

// The commits from `tip` (without `exclude`'s history) that count: merges speaking for their
// branch, only those touching `release.paths`.
Result<std::vector<Change>> relevant_changes(const git::Repository& repo, const Settings& settings, const git::Oid& tip,
                                             const std::optional<git::Oid>& exclude)
{
  auto changes = changes_between(repo, tip, exclude);
  if (!changes) {
    return changes;
  }
  if (auto prepared = prepare_changes(repo, settings, *changes); !prepared) {
    return std::unexpected(prepared.error());
  }
  return changes;
}

struct ReleaseAs {
  Version version;
  std::string commit; // short hex
};

// The version of the newest `Release-As: X` footer (release-please's) among `changes`.
Result<std::optional<ReleaseAs>> release_as_footer(const std::vector<Change>& changes, std::string_view tag_prefix)
{
  for (const Change& change : changes) {
    for (const Footer& footer : change.message.footers) {
      if (util::to_lower(footer.token) != "release-as") {
        continue;
      }
      std::string_view text = footer.value;
      if (!tag_prefix.empty() && text.starts_with(tag_prefix) && !parse_version(text)) {
        text.remove_prefix(tag_prefix.size());
      }
      auto version = parse_version(text);
      if (!version) {
        return fail(fmt::format("commit {}: `Release-As: {}` is not a SemVer 2.0 version (like 1.4.0)",
                                change.id.short_hex(), footer.value));
      }
      return std::optional<ReleaseAs>(ReleaseAs{std::move(*version), change.id.short_hex()});
    }
  }
  return std::optional<ReleaseAs>();
}

Result<std::optional<Version>> requested_version(const PlanOptions& options)
{
  if (!options.version) {
    return std::optional<Version>();
  }
  std::string_view text = *options.version;
  if (!options.tag_prefix.empty() && text.starts_with(options.tag_prefix) && !parse_version(text)) {
    text.remove_prefix(options.tag_prefix.size());
  }
  auto version = parse_version(text);
  if (!version) {
    return fail(fmt::format("--version {}: not a SemVer 2.0 version (like 1.4.0 or 2.0.0-rc.1)", *options.version));
  }
  return std::optional<Version>(std::move(*version));
}

// The templates (built-in, or the repository's) and the rendered header.
struct Rendering {
  Templates templates;
  std::string header;
};

Result<Rendering> prepare_rendering(const PlanOptions& options)
{
  auto templates = load_templates(options.templates_root);
  if (!templates) {
    return std::unexpected(templates.error());
  }
  auto header = render_header(*templates);
  if (!header) {
    return std::unexpected(header.error());
  }
  return Rendering{std::move(*templates), std::move(*header)};
}

} // namespace

Result<Edit> ReleasePlan::apply_to_file(std::string_view existing, const std::string& file) const
{
  if (nothing_to_release) {
    return fail("nothing to release: no change since " + (previous_tag.empty() ? "the start" : previous_tag) +
                " is listed in the changelog");
  }
  Insertion insertion;
  insertion.version = next.str();
  insertion.tag = tag;
  insertion.section = section;
  insertion.header = header;
  insertion.unreleased_url = unreleased_url;
  insertion.version_url = version_url;
  return insert_release(existing, insertion, file);
}

Result<ReleasePlan> plan_release(const git::Repository& repo, const Settings& settings, const PlanOptions& options)
{
  auto exact = requested_version(options);
  if (!exact) {
    return std::unexpected(exact.error());
  }
  if (*exact && !options.prerelease.empty()) {
    auto refused = next_version({}, VersionRequest{*exact, std::nullopt, options.prerelease}, settings);
    return std::unexpected(refused.error());
  }
  auto candidate = with_context(git::resolve_commit(repo, options.candidate), options.candidate);
  if (!candidate) {
    return std::unexpected(candidate.error());
  }
  auto tags = release_tags(repo, options.tag_prefix);
  if (!tags) {
    return std::unexpected(tags.error());
  }
  auto latest = last_release(repo, *tags, *candidate, true);
  if (!latest) {
    return std::unexpected(latest.error());
  }
  auto stable = *latest && !(*latest)->version.is_prerelease() ? latest : last_release(repo, *tags, *candidate, false);
  if (!stable) {
    return std::unexpected(stable.error());
  }
  // A prerelease counts from the last prerelease of its channel above the last final release, else
  // from that final release (semantic-release's channels): a beta after alphas counts their fixes.
  const std::string channel_id = !options.prerelease.empty()
                                     ? options.prerelease
                                     : (*exact && (*exact)->is_prerelease() ? (*exact)->prerelease.front() : "");
  std::optional<ReleaseTag> channel;
  if (!channel_id.empty()) {
    std::vector<ReleaseTag> same_channel;
    for (const auto& tag : *tags) {
      if (tag.version.is_prerelease() && tag.version.prerelease.front() == channel_id &&
          (!*stable || precedes((*stable)->version, tag.version))) {
        same_channel.push_back(tag);
      }
    }
    auto found = last_release(repo, same_channel, *candidate, true);
    if (!found) {
      return std::unexpected(found.error());
    }
    channel = std::move(*found);
  }

  // The section covers the changes since the last final release (a final release after its
  // prereleases gathers theirs), or since the last prerelease of its channel for a prerelease.
  ReleasePlan plan;
  const std::optional<ReleaseTag>& start = channel ? channel : *stable;
  std::optional<git::Oid> exclude;
  if (options.from) {
    auto from = with_context(git::resolve_commit(repo, *options.from), "--from " + *options.from);
    if (!from) {
      return std::unexpected(from.error());
    }
    exclude = *from;
    plan.previous_tag = *options.from;
    if (options.from->starts_with(options.tag_prefix)) {
      plan.previous = parse_version(std::string_view(*options.from).substr(options.tag_prefix.size()));
    }
  } else if (start) {
    exclude = start->commit;
    plan.previous_tag = start->name;
    plan.previous = start->version;
  }
  auto changes = relevant_changes(repo, settings, *candidate, exclude);
  if (!changes) {
    return std::unexpected(changes.error());
  }
  plan.changes = std::move(*changes);
  plan.grouping = group_changes(plan.changes, settings);

  VersionInputs inputs;
  inputs.stable = *stable ? std::optional<Version>((*stable)->version) : std::nullopt;
  inputs.latest = *latest ? std::optional<Version>((*latest)->version) : std::nullopt;
  inputs.channel = channel ? std::optional<Version>(channel->version) : std::nullopt;
  for (const auto& tag : *tags) {
    inputs.existing.push_back(tag.version);
  }
  // The version follows everything since the last final release, whatever the section shows.
  const std::optional<git::Oid> stable_commit = *stable ? std::optional<git::Oid>((*stable)->commit) : std::nullopt;
  std::vector<Change> since_stable_changes;
  const std::vector<Change>* since_stable = &plan.changes;
  if (exclude != stable_commit) {
    auto walked = relevant_changes(repo, settings, *candidate, stable_commit);
    if (!walked) {
      return std::unexpected(walked.error());
    }
    since_stable_changes = std::move(*walked);
    since_stable = &since_stable_changes;
    inputs.bump = group_changes(since_stable_changes, settings).bump;
  } else {
    inputs.bump = plan.grouping.bump;
  }
  VersionRequest request;
  request.exact = *exact;
  request.prerelease = options.prerelease;
  auto release_as = release_as_footer(*since_stable, options.tag_prefix);
  if (!release_as) {
    return std::unexpected(release_as.error());
  }
  if (*release_as) {
    request.release_as = (*release_as)->version;
  }

  const Bump section_bump = options.from ? inputs.bump : plan.grouping.bump;
  if ((section_bump == Bump::none || inputs.bump == Bump::none) && !request.exact && !request.release_as) {
    plan.nothing_to_release = true;
    plan.next = plan.previous.value_or(Version{});
    plan.tag = plan.previous_tag;
    return plan;
  }
  auto next = next_version(inputs, request, settings);
  if (!next) {
    if (*release_as && !request.exact) {
      return fail(fmt::format("commit {}: {}", (*release_as)->commit, next.error().message));
    }
    return std::unexpected(next.error());
  }
  plan.next = next->version;
  plan.bump = next->bump;
  plan.tag = options.tag_prefix + plan.next.str();
  plan.date = release_date(options);

  if (const auto forge = compare_forge(repo)) {
    plan.unreleased_url = compare_url(*forge, plan.tag, "HEAD");
    plan.version_url =
        plan.previous_tag.empty() ? tag_url(*forge, plan.tag) : compare_url(*forge, plan.previous_tag, plan.tag);
  }
  auto rendering = prepare_rendering(options);
  if (!rendering) {
    return std::unexpected(rendering.error());
  }
  plan.header = rendering->header;
  SectionData data;
  data.version = plan.next.str();
  data.tag = plan.tag;
  data.previous_tag = plan.previous_tag;
  data.date = plan.date;
  data.compare_url = plan.version_url.value_or("");
  data.issue_forge = link_forge(repo, settings);
  data.grouping = &plan.grouping;
  data.changes = &plan.changes;
  auto section = render_section(rendering->templates, data);
  if (!section) {
    return std::unexpected(section.error());
  }
  plan.section = std::move(*section);
  return plan;
}

Result<std::string> render_history(const git::Repository& repo, const Settings& settings, const PlanOptions& options)
{
  auto candidate = with_context(git::resolve_commit(repo, options.candidate), options.candidate);
  if (!candidate) {
    return std::unexpected(candidate.error());
  }
  auto tags = release_tags(repo, options.tag_prefix);
  if (!tags) {
    return std::unexpected(tags.error());
  }
  auto split = changes_by_release(repo, *candidate, *tags);
  if (!split) {
    return std::unexpected(split.error());
  }
  for (auto& group : split->groups) {
    if (auto prepared = prepare_changes(repo, settings, group); !prepared) {
      return std::unexpected(prepared.error());
    }
  }
  auto rendering = prepare_rendering(options);
  if (!rendering) {
    return std::unexpected(rendering.error());
  }
  auto text = Result<std::string>(rendering->header);
  const auto& templates = rendering->templates;
  const auto forge = compare_forge(repo);
  const auto issue_forge = link_forge(repo, settings);
  std::vector<std::size_t> releases; // reached tags, highest first, one per commit
  for (std::size_t i = 0; i < tags->size(); ++i) {
    const bool shadowed = !releases.empty() && (*tags)[releases.back()].commit == (*tags)[i].commit;
    if (split->reached[i] && !shadowed) {
      releases.push_back(i);
    }
  }
  std::string links;
  auto append = [&](SectionData& data, const std::vector<Change>& changes) -> Result<void> {
    const Grouping grouping = group_changes(changes, settings);
    data.grouping = &grouping;
    data.changes = &changes;
    data.issue_forge = issue_forge;
    auto section = render_section(templates, data);
    if (!section) {
      return std::unexpected(section.error());
    }
    *text += '\n';
    *text += *section;
    if (forge) {
      links += fmt::format("[{}]: {}\n", data.unreleased ? "Unreleased" : data.version, data.compare_url);
    }
    return {};
  };

  SectionData unreleased;
  unreleased.unreleased = true;
  unreleased.version = "Unreleased";
  if (forge) {
    unreleased.compare_url = releases.empty() ? forge->base + "/commits" // nothing released yet
                                              : compare_url(*forge, (*tags)[releases.front()].name, "HEAD");
  }
  if (auto added = append(unreleased, split->groups.back()); !added) {
    return std::unexpected(added.error());
  }
  for (std::size_t r = 0; r < releases.size(); ++r) {
    const ReleaseTag& tag = (*tags)[releases[r]];
    // A final release gathers its prereleases' commits: everything since the previous final release.
    std::size_t until = r + 1;
    while (!tag.version.is_prerelease() && until < releases.size() &&
           (*tags)[releases[until]].version.is_prerelease()) {
      ++until;
    }
    std::vector<Change> gathered;
    for (std::size_t g = r + 1; g < until; ++g) {
      const auto& group = split->groups[releases[g]];
      gathered.insert(gathered.end(), group.begin(), group.end());
    }
    if (!gathered.empty()) {
      const auto& own = split->groups[releases[r]];
      gathered.insert(gathered.begin(), own.begin(), own.end());
    }
    SectionData data;
    data.version = tag.version.str();
    data.tag = tag.name;
    data.previous_tag = until < releases.size() ? (*tags)[releases[until]].name : "";
    data.date = iso_date(tag.tagger_time.value_or(split->commit_times[releases[r]]));
    if (forge) {
      data.compare_url =
          data.previous_tag.empty() ? tag_url(*forge, tag.name) : compare_url(*forge, data.previous_tag, tag.name);
    }
    if (auto added = append(data, gathered.empty() ? split->groups[releases[r]] : gathered); !added) {
      return std::unexpected(added.error());
    }
  }
  if (!links.empty()) {
    *text += '\n';
    *text += links;
  }
  return text;
}

} // namespace tollgate::changelog
