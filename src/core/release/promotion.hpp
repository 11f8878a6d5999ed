#pragma once
// The promotion transaction (DESIGN.md §5): everything is written as objects first, then a journal
// lists the ref updates, then each ref moves with compare-and-swap against the value read at the
// start. A crash before the journal leaves only unreferenced objects (the old state); a crash after
// it leaves a state that the next `tollgate promote` finishes from the journal.

#include "changelog/plan.hpp"
#include "core/checklist/runner.hpp"
#include "core/config/config.hpp"
#include "core/trust/promotion_record.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"
#include "version_files/edit.hpp"

#include <nlohmann/json.hpp>

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

struct RefUpdate {
  std::string kind; // branch | release-tag | stable | log (names the fault point after it)
  std::string name;
  std::optional<git::Oid> old_value; // nullopt: the ref must not exist yet
  git::Oid new_value;
};

struct Journal {
  std::string release; // "v1.4.0"
  std::vector<RefUpdate> updates;
};

// `.git/tollgate/promotion.json`; nullopt when no promotion was interrupted. Refused (an error)
// unless it authenticates under this user's state key (core/state_key.hpp) and every update points
// at an existing object, the release tag's and stable's at tags carrying tollgate's records; a
// symbolic link is refused, never followed.
Result<std::optional<Journal>> read_journal(const git::Repository& repo, const std::filesystem::path& git_dir);

// Applies every update of `journal` (those already applied are skipped: their ref holds the new
// value), then removes it. A ref that holds neither value is an error naming it: someone else moved
// it, and nothing further is changed.
Result<void> apply_journal(const git::Repository& repo, const std::filesystem::path& git_dir, const Journal& journal);

// Undoes what an interrupted promotion applied: every ref that holds its new value goes back to
// its old one (compare-and-swap), then the journal is removed. A ref someone else moved since is
// left alone and named in the returned notes.
Result<std::vector<std::string>> abort_journal(const git::Repository& repo, const std::filesystem::path& git_dir,
                                               const Journal& journal);

// What the repository looks like before a promotion, read once (the compare-and-swap values).
struct Baseline {
  git::Oid candidate;
  std::string branch;                 // release.branch
  git::Oid branch_tip;                // == candidate
  std::optional<git::Oid> stable_tag; // the `stable` tag object (or commit, for a lightweight tag)
  std::optional<StableRef> stable;    // the release `stable` points at
  std::optional<git::Oid> log_head;   // refs/tollgate/log
  // With stages (docs/stages.md) the cut moves the first stage's tag instead of stable's.
  std::string stage;                      // that stage; empty: stable
  std::optional<git::Oid> stage_tag;      // its tag object now
  std::optional<StableRef> stage_release; // the release it holds
  nlohmann::json stage_path;              // the stage path in force, recorded in the cut's event
};

struct BaselineError {
  int exit_code = 3;
  std::string message;
};

// Reads the baseline and refuses what DESIGN.md §5 refuses: HEAD not on release.branch, a candidate
// that is not the branch's tip, a dirty work tree, a candidate that does not descend from stable
// (nor, with `first_stage` other than stable, from the release that stage holds).
std::expected<Baseline, BaselineError> read_baseline(const git::Repository& repo, const Config& config,
                                                     const std::string& revision, const std::string& first_stage = {});

struct ReleaseObjects {
  git::Oid changelog_commit;
  git::Oid release_tag;
  git::Oid stable_tag;
  git::Oid log_commit;
  PromotionRecord record;
  std::string changelog_text; // the CHANGELOG after the edit
  Journal journal;
  nlohmann::json event;
};

// Writes the CHANGELOG commit, the signed release and stable (or first stage's) tags and the signed audit-log entry
// (objects only: no ref moves) for `plan`, recording `report`'s checks, approvals and policies.
// `rules` supplies the record's `Rules:`, `Sandbox:` and `Floor-note:` (its other fields are ignored).
// The release commit also holds each changed file of `version_edits` (version_files::plan_edits).
Result<ReleaseObjects> write_release(const git::Repository& repo, const Config& config, const Baseline& baseline,
                                     const changelog::ReleasePlan& plan, const RunReport& report,
                                     const gpg::Context& gpg, const gpg::KeyInfo& key,
                                     const PromotionRecord& rules = {},
                                     const std::vector<version_files::FileEdit>& version_edits = {});

// The refspecs that publish `journal` (`stable` forced: it moves) and the refs in `extra`.
std::vector<std::string> publish_refspecs(const Journal& journal, const std::vector<std::string>& extra = {});
// The `git push` command that publishes `journal`, with every refs/tollgate/* ref (approvals, log).
std::string publish_command(const Journal& journal);

// Writes `journal` to `.git/tollgate/promotion.json` with its MAC under this user's state key.
Result<void> write_journal(const std::filesystem::path& git_dir, const Journal& journal);

// Checks the journal's objects as read_journal does, writes it, then applies it.
Result<void> commit_release(const git::Repository& repo, const std::filesystem::path& git_dir, const Journal& journal);

} // namespace tollgate::core
