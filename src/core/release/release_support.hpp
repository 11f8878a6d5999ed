#pragma once
// What promote, stage moves, rollback and approve share, each failure a Fatal with the contract's
// exit code: a verified release, the promotion lock, the stage path in force, the trust-root recovery.

#include "core/checklist/workspace.hpp"
#include "core/config/config.hpp"
#include "core/release/lock.hpp"
#include "core/release/stages.hpp"
#include "core/release/trust_root_recovery.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"

#include <optional>
#include <string>

namespace tollgate::core {

// Fatal(1) unless `tag` verifies (core/release/verify.hpp), naming each problem; `what` leads the message.
void require_verified(const git::Repository& repo, const Config& config, const std::string& tag,
                      const std::string& what);

// The promotion lock, none for a dry run; Fatal(3) when another run holds it.
std::optional<PromotionLock> promotion_lock(const Workspace& workspace, bool dry_run);

// Fatal(3) when an interrupted promotion is pending (or its journal cannot be read).
void refuse_pending_journal(const git::Repository& repo, const Workspace& workspace);

// The stage path in force for `candidate` (release.stages at the trust root): Fatal(2) when that
// tollgate.yaml is invalid, Fatal(3) otherwise.
StagePath stage_path_or_fatal(const git::Repository& repo, const Config& config, const git::Oid& candidate);

// The index of stage `name` in `path`: Fatal(2) naming the stages when there is none.
std::size_t stage_index_or_fatal(const StagePath& path, const std::string& name);

// `--recover-trust-root` (approve, promote): points `config` at the last usable trust root before
// the broken one at stable (core/release/trust_root_recovery.hpp); Fatal(2) when stable's is usable,
// Fatal(3) when no earlier release has a usable one.
Recovery recover_trust_root_or_fatal(const git::Repository& repo, Config& config);

// What a recovery says to the operator (two lines).
std::string recovery_note(const Recovery& recovery, const Config& config);

} // namespace tollgate::core
