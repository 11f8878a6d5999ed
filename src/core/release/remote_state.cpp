#include "core/release/remote_state.hpp"

#include "changelog/semver.hpp"
#include "core/release/verify.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/promotion_record.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/remote.hpp"
#include "git/worktree.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::core {

namespace {

enum class Relation { equal, local_ahead, remote_ahead, diverged };

// Commits `remote` and `local` (tags peeled) compared; a remote object this clone lacks is ahead.
Result<Relation> relate(const git::Repository& repo, const git::Oid& remote, const git::Oid& local)
{
  if (remote == local) {
    return Relation::equal;
  }
  if (!git::exists(repo, remote)) {
    return Relation::remote_ahead;
  }
  auto remote_commit = git::peel_to_commit(repo, remote);
  auto local_commit = git::peel_to_commit(repo, local);
  if (!remote_commit || !local_commit) {
    return fail(!remote_commit ? remote_commit.error().message : local_commit.error().message);
  }
  if (*remote_commit == *local_commit) {
    return Relation::diverged; // one commit, two different tag objects
  }
  auto local_ahead = git::descends_from(repo, *local_commit, *remote_commit);
  if (!local_ahead) {
    return std::unexpected(local_ahead.error());
  }
  if (*local_ahead) {
    return Relation::local_ahead;
  }
  auto remote_ahead = git::descends_from(repo, *remote_commit, *local_commit);
  if (!remote_ahead) {
    return std::unexpected(remote_ahead.error());
  }
  return *remote_ahead ? Relation::remote_ahead : Relation::diverged;
}

bool is_release_tag(const Config& config, const std::string& name)
{
  const std::string prefix = "refs/tags/" + config.release.tag_prefix;
  return name.starts_with(prefix) && name != "refs/tags/" + config.release.stable_tag &&
         changelog::parse_version(std::string_view(name).substr(prefix.size())).has_value();
}

std::string short_tag(const std::string& name)
{
  return name.substr(std::string_view("refs/tags/").size());
}

// `stable` values this clone's audit log recorded: a remote `stable` among them was moved past here.
Result<std::vector<std::string>> logged_stable_tags(const git::Repository& repo)
{
  std::vector<std::string> tags;
  auto head = git::read_ref(repo, k_audit_log_ref);
  if (!head || !*head) {
    return head ? Result<std::vector<std::string>>(tags) : std::unexpected(head.error());
  }
  auto entries = read_audit_log(repo, **head);
  if (!entries) {
    return std::unexpected(entries.error());
  }
  for (const auto& entry : *entries) {
    if (entry.event.is_object()) {
      tags.push_back(entry.event.value("stable_tag", ""));
    }
  }
  return tags;
}

// The line for `name` when the remote's `remote` is ahead of or diverged from this clone's `local`.
Result<std::optional<std::string>> conflict(const git::Repository& repo, const std::string& name,
                                            const git::Oid& remote, const std::optional<git::Oid>& local,
                                            const std::string& ahead_command, const std::string& diverged_command)
{
  if (!local) {
    return fmt::format("{}: the remote has {}, this clone has none; update: {}", name, remote.short_hex(),
                       ahead_command);
  }
  auto relation = relate(repo, remote, *local);
  if (!relation) {
    return std::unexpected(relation.error());
  }
  switch (*relation) {
  case Relation::equal:
  case Relation::local_ahead:
    return std::optional<std::string>();
  case Relation::remote_ahead:
    return fmt::format("{}: the remote's {} is ahead of this clone's {}; update: {}", name, remote.short_hex(),
                       local->short_hex(), ahead_command);
  case Relation::diverged:
    break;
  }
  return fmt::format("{}: the remote's {} and this clone's {} have diverged; {}", name, remote.short_hex(),
                     local->short_hex(), diverged_command);
}

} // namespace

Result<RemoteView> read_remote(const git::Repository& repo, const Config& config, const std::string& remote)
{
  RemoteView view;
  view.remote = remote;
  view.url = git::remote_location(repo, remote);
  const std::string branch = "refs/heads/" + config.release.branch;
  // Sources and destinations, as libgit2 requires of patterns; no ref is written (objects only).
  auto refs = git::download_refs(
      repo, remote, {branch + ":" + branch, "refs/tags/*:refs/tags/*", fmt::format("{0}:{0}", k_audit_log_ref)});
  if (!refs) {
    return std::unexpected(refs.error());
  }
  for (const auto& ref : *refs) {
    if (ref.name == branch || ref.name == k_audit_log_ref || ref.name == "refs/tags/" + config.release.stable_tag ||
        is_release_tag(config, ref.name)) {
      view.refs.emplace(ref.name, ref.target);
    }
  }
  return view;
}

Result<std::vector<std::string>> remote_conflicts(const git::Repository& repo, const Config& config,
                                                  const RemoteView& view)
{
  std::vector<std::string> lines;
  std::vector<std::string> missing_tags;
  const std::string& remote = view.remote;
  const std::string branch = "refs/heads/" + config.release.branch;
  const std::string stable = "refs/tags/" + config.release.stable_tag;
  for (const auto& [name, target] : view.refs) {
    auto local = git::read_ref(repo, name);
    if (!local) {
      return std::unexpected(local.error());
    }
    if (is_release_tag(config, name) && !*local) {
      missing_tags.push_back(short_tag(name));
      continue;
    }
    Result<std::optional<std::string>> line;
    if (name == branch) {
      line =
          conflict(repo, name, target, *local, fmt::format("git pull --ff-only {} {}", remote, config.release.branch),
                   fmt::format("update: git pull --rebase {} {}", remote, config.release.branch));
    } else if (name == k_audit_log_ref) {
      // The remote recorded events this clone lacks: its `stable` is the one they left.
      line = conflict(repo, name, target, *local,
                      fmt::format("git fetch {} '{}:{}' '+{}:{}'", remote, name, name, stable, stable),
                      "promotions or demotions were recorded apart: reconcile the two logs by hand");
    } else if (name == stable) {
      const std::string take = fmt::format("git fetch {} '+{}:{}'", remote, name, name);
      line = conflict(repo, name, target, *local, take, "taking the remote's: " + take);
      if (line && *line && *local) {
        // A remote `stable` this clone's audit log has moved past (a promotion or demotion made here
        // and not pushed yet) is behind, not ahead.
        auto logged = logged_stable_tags(repo);
        if (!logged) {
          return std::unexpected(logged.error());
        }
        if (std::find(logged->begin(), logged->end(), target.hex()) != logged->end()) {
          line = std::optional<std::string>();
        }
      }
    } else if (*local && **local != target) {
      line = fmt::format("{}: the remote's {} is not this clone's {} (two releases of one version); taking the "
                         "remote's: git fetch {} '+{}:{}'",
                         name, target.short_hex(), (*local)->short_hex(), remote, name, name);
    }
    if (!line) {
      return std::unexpected(line.error());
    }
    if (*line) {
      lines.push_back(**line);
    }
  }
  if (!missing_tags.empty()) {
    lines.push_back(fmt::format("the remote has release tags this clone lacks ({}); update: git fetch {} "
                                "'refs/tags/*:refs/tags/*'",
                                fmt::join(missing_tags, ", "), remote));
  }
  return lines;
}

Result<std::optional<PendingRelease>> pending_release(const git::Repository& repo, const Config& config,
                                                      const RemoteView& view)
{
  const std::string branch = "refs/heads/" + config.release.branch;
  const std::string stable = "refs/tags/" + config.release.stable_tag;
  auto stable_tag = git::read_ref(repo, stable);
  auto log_head = git::read_ref(repo, k_audit_log_ref);
  if (!stable_tag || !log_head) {
    return std::unexpected(!stable_tag ? stable_tag.error() : log_head.error());
  }
  if (!*stable_tag || !*log_head) {
    return std::optional<PendingRelease>();
  }
  // The newest release: the audit log's head records the promotion `stable` points at.
  auto head = read_audit_log(repo, **log_head, 1);
  if (!head) {
    return std::unexpected(head.error());
  }
  const nlohmann::json& event = head->front().event;
  if (!event.is_object() || event.value("event", "") != "promote" ||
      event.value("stable_tag", "") != (*stable_tag)->hex()) {
    return std::optional<PendingRelease>();
  }
  const std::string release = event.value("release", "");
  const std::string release_ref = "refs/tags/" + release;
  auto release_tag = git::Oid::parse(event.value("release_tag", ""));
  auto commit = git::Oid::parse(event.value("commit", ""));
  auto candidate = git::Oid::parse(event.value("candidate", ""));
  auto local_tag = git::read_ref(repo, release_ref);
  if (release.empty() || !release_tag || !commit || !candidate || !local_tag || *local_tag != *release_tag) {
    return std::optional<PendingRelease>();
  }

  // What the remote lacks of it.
  const auto remote_has = [&](const std::string& name, const git::Oid& value) {
    const auto found = view.refs.find(name);
    return found != view.refs.end() && found->second == value;
  };
  bool branch_has_commit = false;
  if (const auto found = view.refs.find(branch); found != view.refs.end() && git::exists(repo, found->second)) {
    auto contains = git::descends_from(repo, found->second, *commit);
    if (!contains) {
      return std::unexpected(contains.error());
    }
    branch_has_commit = *contains;
  }
  if (branch_has_commit && remote_has(release_ref, *release_tag) && remote_has(stable, **stable_tag) &&
      remote_has(k_audit_log_ref, **log_head)) {
    return std::optional<PendingRelease>();
  }

  // Only a finished release tollgate signed is pushed: `tollgate verify` must accept it.
  auto verified = verify_release(repo, config, config.release.stable_tag);
  if (!verified) {
    return std::unexpected(verified.error());
  }
  if (!verified->ok()) {
    const auto bad = std::find_if(verified->findings.begin(), verified->findings.end(),
                                  [](const VerifyFinding& finding) { return !finding.ok; });
    return fail(fmt::format("{} is released here but not on {}, and it does not verify ({}: {}): not pushed", release,
                            view.remote, bad->name, bad->detail));
  }

  PendingRelease pending{release, *candidate, Journal{release, {}}, false};
  auto tip = git::read_ref(repo, branch);
  if (!tip) {
    return std::unexpected(tip.error());
  }
  pending.superseded = *tip != *commit;
  if (!branch_has_commit && !pending.superseded) {
    pending.journal.updates.push_back({"branch", branch, std::nullopt, *commit});
  }
  pending.journal.updates.push_back({"release-tag", release_ref, std::nullopt, *release_tag});
  pending.journal.updates.push_back({"stable", stable, std::nullopt, **stable_tag});
  pending.journal.updates.push_back({"log", k_audit_log_ref, std::nullopt, **log_head});
  return std::optional<PendingRelease>(std::move(pending));
}

std::vector<std::string> approval_refs(const git::Repository& repo, const git::Oid& candidate)
{
  std::vector<std::string> names;
  if (auto refs = git::list_refs(repo, fmt::format("refs/tollgate/approvals/{}/*", candidate.hex()))) {
    for (const auto& ref : *refs) {
      names.push_back(ref.name);
    }
  }
  return names;
}

Result<void> push_release(const git::Repository& repo, const std::string& remote, const Journal& journal,
                          const git::Oid& candidate, std::vector<std::string> carried)
{
  for (auto& name : approval_refs(repo, candidate)) {
    carried.push_back(std::move(name));
  }
  return git::push(repo, remote, publish_refspecs(journal, carried));
}

} // namespace tollgate::core
