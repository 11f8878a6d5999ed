#pragma once
// `tollgate promote [REV]`: the promotion checklist, then the release, all or nothing (DESIGN.md
// §5): checks -> CHANGELOG commit -> signed vX.Y.Z -> signed stable (or first stage) -> audit log,
// refs last; then the push and the first stage's deploy. Also finishes, aborts or pushes what an
// earlier promotion left.

#include "changelog/plan.hpp"
#include "checks/check.hpp"
#include "core/checklist/judging.hpp"
#include "core/checklist/runner.hpp"
#include "core/release/progress.hpp"
#include "core/release/promotion.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"
#include "version_files/edit.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tollgate::core {

struct PromoteRequest {
  std::string revision = "HEAD";
  std::string version;    // --version X.Y.Z
  std::string prerelease; // --prerelease ID
  bool dry_run = false;
  RunOptions run;
  std::string push; // --push REMOTE (else release.remote)
  std::string key;
  bool abort = false;
  bool recover_trust_root = false;
  bool rerun = false; // run the checks valid attestations cover too
};

enum class PromoteOutcome {
  nothing_to_abort, // --abort without an interrupted promotion
  aborted,          // --abort: `notes` name the refs left alone
  would_finish,     // a dry run with an interrupted promotion pending
  finished,         // the interrupted promotion `journal` is finished
  would_push,       // a dry run with a finished release the remote lacks
  pushed,           // that release was pushed instead of a cut
  refused,          // the checklist did not pass (`exit_code`)
  dry_run,          // the checklist passed; nothing was written
  promoted,
};

struct PromoteResult {
  PromoteOutcome outcome = PromoteOutcome::promoted;
  int exit_code = 0;
  std::string release;            // "v1.4.0": the journal's, the pending release's or the cut's
  std::vector<std::string> notes; // aborted
  Journal journal;                // finished, pushed, promoted: the refs moved
  std::string remote;             // the remote in use ("": none)
  std::string carried_release;    // a finished release the cut pushes along
  bool pushed = false;            // promoted: to `remote`
  // A cut (refused, dry_run, promoted).
  git::Oid candidate;
  std::string branch;
  changelog::ReleasePlan plan;
  std::vector<version_files::FileEdit> version_edits;
  std::string changelog_file;
  std::string stable_tag;
  StageConfig first_stage;
  bool stages_configured = false;
  std::string held; // the release at the first stage now ("": none)
  gpg::KeyInfo key;
  nlohmann::json rules;
  std::vector<std::string> floor;
  std::vector<std::string> attested; // one line per check an attestation stands in for
  RunReport report;
  ReleaseObjects objects;
  bool deployed = false;
};

// The checklist as the checks were judged: the report, and whether the repository changed meanwhile.
struct Judged {
  RunReport report;
  bool changed = false;
};

// What the CLI provides while a promotion runs, besides its Progress.
class PromoteObserver {
public:
  virtual ~PromoteObserver() = default;
  // Runs `checks` in `context` on a snapshot of `candidate`, confined, the repository compared
  // before and after, with the CLI's reporting; `floor` and `attested` lines are said first.
  // `head_start`, when not null, holds the snapshot and the probe started ahead (judging.hpp).
  virtual Judged run_checklist(std::vector<std::unique_ptr<checks::Check>>& checks, checks::Context& context,
                               const RunOptions& run, const git::Repository& repo, const git::Oid& candidate,
                               JudgingHeadStart* head_start, const std::vector<std::string>& floor,
                               const std::vector<std::string>& attested) = 0;
  // The release is final (and pushed when asked); the first stage's deploy comes next.
  virtual void released(const PromoteResult& result) = 0;
};

// Promotes; every refusal is a Fatal with the contract's exit code (messages in DESIGN.md §5) but a
// checklist that did not pass (`refused`).
PromoteResult promote(const PromoteRequest& request, Progress& progress, PromoteObserver& observer);

// The --json document of `result`; null for what is said as text only (nothing_to_abort, would_finish).
nlohmann::json to_json(const PromoteResult& result);

// What `result` says on stdout as text, line by line (nothing for `refused`).
std::vector<std::string> to_text(const PromoteResult& result);

} // namespace tollgate::core
