#pragma once
// Judging a commit (DESIGN.md §7.1, §7.5): the context a checklist runs in, the snapshot it runs on
// (none in place), confinement required before anything runs, and the state of the judge (refs,
// config, hooks, info) compared before and after the checks.

#include "checks/check.hpp"
#include "core/checklist/repo_guard.hpp"
#include "core/checklist/snapshot.hpp"
#include "core/checklist/workspace.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "proc/sandbox.hpp"

#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

// Whether `check` runs commands here (attestable, and not decided elsewhere).
bool runs_commands(const checks::Check& check);

// The context checks run in: the repository, the config, effective limits, a new run directory
// (its id in `run_id`).
checks::Context make_context(const Workspace& workspace, const Config& config, const std::string& revision,
                             std::string& run_id);

// What judging a commit holds while its checks run: the snapshot they run on (none in place), and
// the state of the judge before they ran.
struct Judging {
  std::optional<Snapshot> snapshot;
  // Whether a check runs commands: only then is the judge's state recorded and compared. Checks that
  // run in-process (trust root, approvals, policies, attested results) execute nothing of the
  // candidate's, and recording 20,000 packed refs and comparing them cost a gate 16 ms; nor does a
  // `git fetch` running beside a CI gate fail it.
  bool guarded = false;
  RepoState before;
};

// The slow parts of judging `commit`, started ahead on threads of their own so that they overlap
// what the caller does meanwhile (a promotion's release plan and signing-key check): the snapshot,
// exported through a repository handle of its own (libgit2 objects are not shared between
// threads), and the probe of the confinement backend `limits` name. A head start is a guess made
// before the checklist in force is known: a snapshot of another commit is not used, and a probe of
// a backend the checks do not use only costs its time, never a result. Dropped unused, it waits for
// the export and removes the snapshot.
class JudgingHeadStart {
public:
  JudgingHeadStart(const std::filesystem::path& git_dir, const git::Oid& commit, const proc::Limits& limits);
  JudgingHeadStart(const JudgingHeadStart&) = delete;
  JudgingHeadStart& operator=(const JudgingHeadStart&) = delete;
  ~JudgingHeadStart();

  const git::Oid& commit() const { return m_commit; }
  // The export's result; once.
  Result<Snapshot> take_snapshot();

private:
  git::Oid m_commit;
  std::future<Result<Snapshot>> m_snapshot;
  std::future<void> m_probe;
};

// Exports `commit` (when given) to a snapshot owned by the sandbox's uid and points `context` at it,
// then records the judge's state when a check runs commands; Fatal(3) when the snapshot or the
// confinement cannot be set up. The snapshot comes from `head_start` when it is of `commit`.
Judging begin_judging(checks::Context& context, const std::vector<std::unique_ptr<checks::Check>>& checks,
                      const git::Repository* repo, const std::optional<git::Oid>& commit,
                      JudgingHeadStart* head_start = nullptr);

// What changed in the judge while the checks ran, one line each (empty: nothing, or no check ran
// commands): any change fails the run and nothing is promoted.
std::vector<std::string> judge_changes(const Judging& judging, const checks::Context& context);

} // namespace tollgate::core
