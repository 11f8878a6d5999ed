#pragma once
// Staged promotion (docs/stages.md): the stage path in force (`release.stages` of tollgate.yaml at
// the trust root; one stage, `stable`, without it), what each stage's signed tag holds, and the
// audit-log events that moved a release through the stages.

#include "core/config/config.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/promotion_record.hpp"
#include "core/trust/trust_root.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

struct StagePath {
  std::vector<StageConfig> stages; // never empty; the last is release.stable_tag
  std::string source;              // where they were read
  bool configured = false;         // release.stages is listed there (else one stage, stable, with rollback.deploy)
  bool staged() const { return stages.size() > 1; }
  // The index of stage `name`; nullopt when there is none.
  std::optional<std::size_t> index_of(std::string_view name) const;
  std::vector<std::string> names() const;
  // The path as the audit log records it at a cut: [{name, soak, signoffs, verify}].
  nlohmann::json to_json() const;
};

// The stages `config` lists, or the one stage `stable_tag` (its deploy: rollback.deploy).
StagePath stage_path_of(const Config& config, std::string source);

// release.stages of tollgate.yaml at the trust root for `candidate` (core/trust_root.hpp): the
// operator's, never a candidate's once a release exists. `local` names the stable tag.
// Errors: 2 for an invalid tollgate.yaml there, 3 for repository state.
std::expected<StagePath, TrustRootError> stages_in_force(const git::Repository& repo, const Config& local,
                                                         const git::Oid& candidate);

// What a stage's tag holds, as tollgate signed it.
struct StageHolder {
  std::string stage;
  git::Oid tag;           // the stage tag object
  StableRecord record;    // what it says
  git::Oid commit;        // where it points
  std::int64_t since = 0; // the tag object's time: when the release entered the stage
};

// nullopt when there is no tag `stage`; an error when it is not a tag object tollgate wrote.
Result<std::optional<StageHolder>> read_stage(const git::Repository& repo, const std::string& stage);

// The audit-log events that moved `release_tag` into a stage (a cut, a stage move or a demotion),
// oldest first, each with the stage it moved (`stable_tag` for events before stages).
struct StageEvent {
  std::string stage;
  std::string kind; // promote | stage | demote
  std::int64_t time = 0;
  nlohmann::json event;
};
std::vector<StageEvent> stage_events(const std::vector<AuditEntry>& entries, const std::string& release_tag_hex,
                                     const std::string& stable_tag);

// "1h 2m 3s" (at most two units), "0s".
std::string format_duration(std::int64_t seconds);

} // namespace tollgate::core
