#include "core/checklist/judging.hpp"

#include "core/checklist/attest.hpp"
#include "proc/sandbox.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unistd.h>

namespace tollgate::core {

bool runs_commands(const checks::Check& check)
{
  return attestable_kind(check.spec().kind) && !decided_elsewhere(check);
}

checks::Context make_context(const Workspace& workspace, const Config& config, const std::string& revision,
                             std::string& run_id)
{
  checks::Context context;
  context.root = workspace.root;
  context.git_dir = workspace.git_dir;
  context.config = &config;
  context.limits = effective_limits(config.sandbox);
  context.revision = revision;
  context.log_dir = create_run_dir(workspace, run_id);
  return context;
}

namespace {

// The snapshot's owner: the sandbox's uid when tollgate runs as root and the checks run as that uid
// (`by_sandbox_uid`; not under firejail, proc::runs_as_sandbox_uid).
SnapshotOptions snapshot_options(bool by_sandbox_uid = true)
{
  SnapshotOptions options;
  if (geteuid() == 0 && by_sandbox_uid) {
    options.owner = proc::k_sandbox_uid;
    options.group = proc::k_sandbox_gid;
  }
  return options;
}

} // namespace

JudgingHeadStart::JudgingHeadStart(const std::filesystem::path& git_dir, const git::Oid& commit,
                                   const proc::Limits& limits)
    : m_commit(commit)
{
  m_snapshot = std::async(std::launch::async, [git_dir, commit]() -> Result<Snapshot> {
    auto repo = git::Repository::open(git_dir);
    if (!repo) {
      return std::unexpected(repo.error());
    }
    return make_snapshot(*repo, commit, snapshot_options());
  });
  if (limits.confine) {
    // The outcome is kept by the backends' own per-process cache, which begin_judging reads.
    m_probe =
        std::async(std::launch::async, [backend = limits.backend] { (void)proc::resolve_backend(backend, true); });
  }
}

JudgingHeadStart::~JudgingHeadStart() = default;

Result<Snapshot> JudgingHeadStart::take_snapshot()
{
  if (!m_snapshot.valid()) {
    return fail("the snapshot made ahead was already taken");
  }
  return m_snapshot.get();
}

Judging begin_judging(checks::Context& context, const std::vector<std::unique_ptr<checks::Check>>& checks,
                      const git::Repository* repo, const std::optional<git::Oid>& commit, JudgingHeadStart* head_start)
{
  // Never silently open: a check that runs commands needs working confinement (or `confine: off`
  // from the trust root, which the floor already decided).
  const bool commands = std::ranges::any_of(checks, [](const auto& check) { return runs_commands(*check); });
  bool by_sandbox_uid = true;
  if (context.limits.confine && commands) {
    auto backend = proc::resolve_backend(context.limits.backend, true);
    if (!backend) {
      environment_error("the checks cannot be confined: " + backend.error().message +
                        " (see `tollgate doctor`; docs/security.md)");
    }
    // A root without capabilities cannot enter a directory of `nobody`'s.
    by_sandbox_uid = proc::runs_as_sandbox_uid(*backend);
  }
  Judging judging;
  if (commit && repo != nullptr) {
    // The head start's snapshot belongs to the sandbox's uid; firejail's checks need another.
    auto snapshot = head_start != nullptr && head_start->commit() == *commit && by_sandbox_uid
                        ? head_start->take_snapshot()
                        : make_snapshot(*repo, *commit, snapshot_options(by_sandbox_uid));
    if (!snapshot) {
      environment_error(
          fmt::format("cannot export {} for the checks: {}", commit->short_hex(), snapshot.error().message));
    }
    context.source_root = context.root;
    context.root = snapshot->root();
    context.shared_paths = {(repo->common_dir() / "objects").string()};
    judging.snapshot = std::move(*snapshot);
  }
  judging.guarded = commands;
  if (judging.guarded) {
    judging.before = capture_repo_state(context.git_dir);
  }
  return judging;
}

std::vector<std::string> judge_changes(const Judging& judging, const checks::Context& context)
{
  if (!judging.guarded) {
    return {};
  }
  return compare(judging.before, capture_repo_state(context.git_dir, &judging.before));
}

} // namespace tollgate::core
