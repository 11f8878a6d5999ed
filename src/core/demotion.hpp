#pragma once
// `rollback --demote`: the current stable release was bad; `stable` moves back to an earlier release
// that has a valid promotion record, signed by the operator and recorded in the audit log with the
// reason. Same transaction as a promotion: objects, journal, compare-and-swap.

#include "core/config.hpp"
#include "core/promotion.hpp"
#include "core/promotion_record.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <optional>
#include <string>

namespace tollgate::core {

struct CurrentStable {
  git::Oid tag;        // the stable tag object
  StableRecord record; // what it says
  git::Oid commit;     // where it points
  std::optional<git::Oid> log_head;
};

// The stable tag as tollgate wrote it; an error when there is none or it is not tollgate's.
Result<CurrentStable> read_current_stable(const git::Repository& repo, const Config& config);

struct DemotionTarget {
  std::string tag; // "v1.3.2"
  git::Oid tag_object;
  git::Oid commit;
};

// `to` (a release tag), or the stable release before the current one.
Result<DemotionTarget> demotion_target(const git::Repository& repo, const CurrentStable& current,
                                       const std::string& to);

// Writes the signed stable tag and the signed audit-log entry; returns the journal to commit.
Result<Journal> write_demotion(const git::Repository& repo, const Config& config, const CurrentStable& current,
                               const DemotionTarget& target, const std::string& reason, const gpg::Context& gpg,
                               const gpg::KeyInfo& key);

} // namespace tollgate::core
