#include "core/release/trust_root_recovery.hpp"

#include "core/trust/promotion_record.hpp"
#include "core/trust/trust_root_validation.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"

#include <fmt/format.h>

namespace tollgate::core {

namespace {

constexpr int k_max_releases = 10000;

std::unexpected<TrustRootError> refuse(int code, std::string message)
{
  return std::unexpected(TrustRootError{code, std::move(message)});
}

// The record of release `tag` (refs/tags/<tag>), which must point at `commit`.
Result<PromotionRecord> release_record(const git::Repository& repo, const StableRef& release)
{
  auto ref = git::read_ref(repo, "refs/tags/" + release.tag);
  if (!ref || !*ref) {
    return fail(fmt::format("release tag {} is missing", release.tag));
  }
  auto tag = git::read_tag(repo, **ref);
  if (!tag) {
    return fail(fmt::format("{} is not a tag object: {}", release.tag, tag.error().message));
  }
  if (tag->target != release.commit) {
    return fail(fmt::format("{} points at {}, not at the release commit {} the records name", release.tag,
                            tag->target.short_hex(), release.commit.short_hex()));
  }
  return parse_release_message(tag->message);
}

} // namespace

std::optional<std::string> trust_root_problem(const git::Repository& repo, const Config& local, const git::Oid& commit,
                                              std::int64_t now)
{
  auto summary = validate_trust_root_at(repo, commit, local, now);
  if (!summary) {
    return summary.error().message;
  }
  if (!summary->ok()) {
    return summary->problems.front();
  }
  if (auto root = load_trust_root_at(repo, local, commit, false, commit.short_hex()); !root) {
    return root.error().message;
  }
  return std::nullopt;
}

std::expected<Recovery, TrustRootError> recover_trust_root(const git::Repository& repo, const Config& local,
                                                           std::int64_t now)
{
  const std::string stable_ref = "refs/tags/" + local.release.stable_tag;
  auto stable = git::read_ref(repo, stable_ref);
  if (!stable || !*stable) {
    return refuse(2, fmt::format("--recover-trust-root: there is no `{}` tag, so no trust root to recover from",
                                 local.release.stable_tag));
  }
  auto stable_tag = git::read_tag(repo, **stable);
  if (!stable_tag) {
    return refuse(3, fmt::format("{} is not a tag object: {}", stable_ref, stable_tag.error().message));
  }
  auto stable_record = parse_stable_message(stable_tag->message);
  if (!stable_record) {
    return refuse(3, fmt::format("{}: {}", stable_ref, stable_record.error().message));
  }
  Recovery recovery;
  recovery.stable = StableRef{stable_record->release, stable_tag->target};
  auto problem = trust_root_problem(repo, local, stable_tag->target, now);
  if (!problem) {
    return refuse(2, fmt::format("--recover-trust-root: the trust root at {} ({}) is usable; recovery is only for a "
                                 "broken one",
                                 local.release.stable_tag, stable_record->release));
  }
  recovery.broken = *problem;

  // Back along Previous-stable, starting from the stable release's own record.
  auto record = release_record(repo, recovery.stable);
  if (!record) {
    return refuse(3, fmt::format("--recover-trust-root: cannot read the record of {}: {}", recovery.stable.tag,
                                 record.error().message));
  }
  for (int step = 0; step < k_max_releases; ++step) {
    if (!record->previous_stable) {
      break;
    }
    const StableRef earlier = *record->previous_stable;
    if (!trust_root_problem(repo, local, earlier.commit, now)) {
      recovery.root.commit = earlier.commit;
      recovery.root.release = earlier.tag;
      recovery.root.source = fmt::format("{} ({}), recovered: the trust root at {} {} is broken", earlier.tag,
                                         earlier.commit.short_hex(), local.release.stable_tag, recovery.stable.tag);
      return recovery;
    }
    record = release_record(repo, earlier);
    if (!record) {
      return refuse(3, fmt::format("--recover-trust-root: the chain of releases breaks at {}: {}", earlier.tag,
                                   record.error().message));
    }
  }
  return refuse(3, fmt::format("--recover-trust-root: no release before {} has a usable trust root ({}: {})",
                               recovery.stable.tag, local.release.stable_tag, recovery.broken));
}

} // namespace tollgate::core
