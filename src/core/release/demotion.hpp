#pragma once
// `rollback --demote`: the current stable release was bad; `stable` moves back to an earlier release
// that has a valid promotion record, signed by the operator and recorded in the audit log with the
// reason. Same transaction as a promotion: objects, journal, compare-and-swap.

#include "core/config/config.hpp"
#include "core/release/promotion.hpp"
#include "core/trust/promotion_record.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace tollgate::core {

struct CurrentStable {
  git::Oid tag;        // the stable tag object
  StableRecord record; // what it says
  git::Oid commit;     // where it points
  std::optional<git::Oid> log_head;
  std::string stage; // the tag's name: release.stable_tag, or another stage (docs/stages.md)
};

// The stable tag as tollgate wrote it; an error when there is none or it is not tollgate's.
Result<CurrentStable> read_current_stable(const git::Repository& repo, const Config& config);
// The same for the tag of stage `stage`.
Result<CurrentStable> read_current_stage(const git::Repository& repo, const std::string& stage);

// A signed stage tag `stage` -> the release `record` names, on `commit`, and the signed audit-log
// entry `event` after `log_head` (its `stage_tag`, and for stable its `stable_tag`, filled in);
// returns the journal moving the tag from `old_tag` and the log, compare-and-swap.
struct StageTagWrite {
  std::string stage;
  bool stable = false; // `stage` is release.stable_tag
  git::Oid commit;
  StableRecord record;
  std::optional<git::Oid> old_tag;
  std::optional<git::Oid> log_head;
  nlohmann::json event;
  std::string summary;      // the log entry's one line
  std::string journal_name; // what the journal calls the operation
};
Result<Journal> write_stage_tag(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                StageTagWrite& write);

struct DemotionTarget {
  std::string tag; // "v1.3.2"
  git::Oid tag_object;
  git::Oid commit;
};

// `to` (a release tag), or the stable release before the current one. For a stage other than stable
// (`current.stage`), the release before is the last other one the audit log moved into it.
Result<DemotionTarget> demotion_target(const git::Repository& repo, const CurrentStable& current,
                                       const std::string& to);

// Writes the signed stable tag and the signed audit-log entry; returns the journal to commit.
Result<Journal> write_demotion(const git::Repository& repo, const Config& config, const CurrentStable& current,
                               const DemotionTarget& target, const std::string& reason, const gpg::Context& gpg,
                               const gpg::KeyInfo& key);

} // namespace tollgate::core
