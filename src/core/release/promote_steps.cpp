#include "core/release/promote_steps.hpp"

#include "core/release/promote.hpp"
#include "core/trust/require.hpp"
#include "core/trust/signing.hpp"
#include "core/trust/trust_root_validation.hpp"
#include "git/objects.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <ctime>

namespace tollgate::core {

namespace {

std::string bare_version(const std::string& tag, const Config& config)
{
  return tag.starts_with(config.release.tag_prefix) ? tag.substr(config.release.tag_prefix.size()) : tag;
}

} // namespace

std::string remote_in_use(const git::Repository& repo, const Config& config, const std::string& push)
{
  if (!push.empty() || config.release.remote.empty()) {
    return push;
  }
  if (!git::remote_url(repo, config.release.remote)) {
    environment_error(fmt::format("promotion refused: release.remote `{0}` is not a remote of this clone (git remote "
                                  "add {0} URL)",
                                  config.release.remote));
  }
  return config.release.remote;
}

std::optional<PendingRelease> check_remote(const git::Repository& repo, const Config& config, const std::string& remote)
{
  auto view = read_remote(repo, config, remote);
  if (!view) {
    environment_error(fmt::format("promotion refused: {}", view.error().message));
  }
  auto conflicts = remote_conflicts(repo, config, *view);
  if (!conflicts) {
    environment_error(fmt::format("promotion refused: cannot compare with {}: {}", remote, conflicts.error().message));
  }
  if (!conflicts->empty()) {
    environment_error(fmt::format("promotion refused: {}{} is ahead of or diverged from this clone: {}; nothing was "
                                  "signed or changed",
                                  remote, view->url != remote ? " (" + view->url + ")" : "",
                                  fmt::join(*conflicts, "; ")));
  }
  auto pending = pending_release(repo, config, *view);
  if (!pending) {
    environment_error(fmt::format("promotion refused: {}", pending.error().message));
  }
  return *pending;
}

void refuse_broken_trust_root(const git::Repository& repo, const Config& config, const git::Oid& candidate)
{
  auto validated = validate_trust_root_at(repo, candidate, config, std::time(nullptr));
  if (!validated) {
    environment_error("promotion refused: cannot read the candidate's trust root: " + validated.error().message);
  }
  const TrustRootSummary& summary = *validated;
  if (summary.ok()) {
    return;
  }
  std::string message = "promotion refused: " + summary.problems.front();
  for (std::size_t i = 1; i < summary.problems.size(); ++i) {
    message += "\ntollgate: error: " + summary.problems[i];
  }
  message += fmt::format("\nnothing was written: promoted, {} would become a trust root under which no release "
                         "could be approved; fix it in a new commit",
                         candidate.short_hex());
  usage_error(message);
}

changelog::ReleasePlan plan_or_fatal(const git::Repository& repo, const Config& config, const Workspace& workspace,
                                     const Baseline& baseline, const PromoteRequest& request)
{
  changelog::PlanOptions plan_options;
  plan_options.tag_prefix = config.release.tag_prefix;
  plan_options.candidate = baseline.candidate.hex();
  if (!request.version.empty()) {
    plan_options.version = request.version;
  }
  plan_options.prerelease = request.prerelease;
  plan_options.templates_root = workspace.root;
  auto plan = changelog::plan_release(repo, config.changelog, plan_options);
  if (!plan) {
    usage_error("promotion refused: " + plan.error().message);
  }
  if (plan->nothing_to_release) {
    throw Fatal(exit_code::k_failed, fmt::format("promotion refused: nothing to release since {}",
                                                 plan->previous_tag.empty() ? "the start" : plan->previous_tag));
  }
  return std::move(*plan);
}

void refuse_lower_version(const Config& config, const Baseline& baseline, const changelog::ReleasePlan& plan,
                          const std::string& first_stage)
{
  if (baseline.stable) {
    const std::string& stable_tag = baseline.stable->tag;
    // Another prerelease channel of the same line (an alpha after the beta that is stable) is no step
    // back: the plan counted it from the last final release, as semantic-release does.
    const auto other_channel = [&](const changelog::Version& stable_version) {
      return stable_version.is_prerelease() && plan.next.is_prerelease() &&
             stable_version.prerelease.front() != plan.next.prerelease.front() &&
             !changelog::precedes(plan.next.core(), stable_version.core());
    };
    if (auto stable_version = changelog::parse_version(bare_version(stable_tag, config));
        stable_version && !changelog::precedes(*stable_version, plan.next) && !other_channel(*stable_version)) {
      usage_error(fmt::format("promotion refused: {} is not higher than the stable release {}", plan.tag, stable_tag));
    }
  }
  if (baseline.stage_release) {
    const std::string& held = baseline.stage_release->tag;
    if (auto held_version = changelog::parse_version(bare_version(held, config));
        held_version && !changelog::precedes(*held_version, plan.next)) {
      usage_error(fmt::format("promotion refused: {} is not higher than {} at `{}`", plan.tag, held, first_stage));
    }
  }
}

gpg::KeyInfo signing_key_or_fatal(const gpg::Context& gpg, const git::Repository& repo, const Config& config,
                                  const std::string& key, const git::Oid& candidate)
{
  auto chosen = choose_signing_key(gpg, repo, key, config.release.signing_key);
  if (!chosen) {
    environment_error("promotion refused: " + chosen.error().message);
  }
  if (auto probe = gpg.sign_detached("tollgate signing probe", chosen->fingerprint); !probe) {
    environment_error("promotion refused: " + probe.error().message);
  }
  require_maintainer_key(repo, config, candidate, *chosen, "promotion");
  return std::move(*chosen);
}

std::string backend_in_force(const RunReport& report)
{
  for (const auto& check : report.checks) {
    if (check.result.outcome && check.result.outcome->backend != proc::Backend::none) {
      return std::string(proc::to_string(check.result.outcome->backend));
    }
  }
  return "none";
}

} // namespace tollgate::core
