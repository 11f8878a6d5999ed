#include "core/release/release_support.hpp"

#include "core/release/promotion.hpp"
#include "core/release/verify.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <ctime>

namespace tollgate::core {

void require_verified(const git::Repository& repo, const Config& config, const std::string& tag,
                      const std::string& what)
{
  auto report = verify_release(repo, config, tag);
  if (!report) {
    environment_error(report.error().message);
  }
  if (!report->ok()) {
    std::vector<std::string> problems;
    for (const auto& finding : report->findings) {
      if (!finding.ok) {
        problems.push_back(fmt::format("{}: {}", finding.name, finding.detail));
      }
    }
    throw Fatal(exit_code::k_failed, fmt::format("{} {} does not verify ({}); `tollgate verify {}` shows everything",
                                                 what, tag, fmt::join(problems, "; "), tag));
  }
}

std::optional<PromotionLock> promotion_lock(const Workspace& workspace, bool dry_run)
{
  if (dry_run) {
    return std::nullopt;
  }
  auto acquired = PromotionLock::acquire(workspace.git_dir);
  if (!acquired) {
    environment_error(acquired.error().message);
  }
  return std::optional<PromotionLock>(std::move(*acquired));
}

void refuse_pending_journal(const git::Repository& repo, const Workspace& workspace)
{
  auto pending = read_journal(repo, workspace.git_dir);
  if (!pending) {
    environment_error(pending.error().message);
  }
  if (*pending) {
    environment_error("an interrupted promotion is pending: run `tollgate promote` to finish it first");
  }
}

StagePath stage_path_or_fatal(const git::Repository& repo, const Config& config, const git::Oid& candidate)
{
  auto path = stages_in_force(repo, config, candidate);
  if (!path) {
    throw Fatal(path.error().exit_code, path.error().message);
  }
  return std::move(*path);
}

std::size_t stage_index_or_fatal(const StagePath& path, const std::string& name)
{
  if (auto index = path.index_of(name)) {
    return *index;
  }
  const std::vector<std::string> names = path.names();
  usage_error(fmt::format("no stage `{}` in release.stages at {}{} (stages: {})", name, path.source,
                          util::did_you_mean(name, names), fmt::join(names, ", ")));
}

Recovery recover_trust_root_or_fatal(const git::Repository& repo, Config& config)
{
  auto found = recover_trust_root(repo, config, std::time(nullptr));
  if (!found) {
    throw Fatal(found.error().exit_code, found.error().message);
  }
  config.trust_root_override = found->root;
  return std::move(*found);
}

std::string recovery_note(const Recovery& recovery, const Config& config)
{
  return fmt::format("recovering the trust root: the one at {} {} is broken ({});\napprovals count under {}'s",
                     config.release.stable_tag, recovery.stable.tag, recovery.broken, recovery.root.release);
}

} // namespace tollgate::core
