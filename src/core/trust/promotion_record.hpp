#pragma once
// What a promotion records, and where (DESIGN.md §5): the release tag's message carries the release
// notes and the promotion record as trailers; the `stable` tag's message names the release it
// points at and the stable release before it. Both formats are contracts (`Tollgate-Promotion: v1`,
// `Tollgate-Stable: v1`): `tollgate verify` and `rollback --demote` read them back.

#include "git/oid.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

struct RecordedApproval {
  std::string name;
  std::string email;
  std::string fingerprint;
  git::Oid approval; // the approval's tag object
};

// A check that did not run at the promotion: a valid attestation (or one per shard) stood in for it.
struct RecordedAttestation {
  std::string check;
  std::string fingerprint;
  git::Oid attestation; // the DSSE envelope's blob
  std::string attester; // its name in MAINTAINERS.yaml
};

struct RecordedResult {
  std::string id;
  std::string status; // pass | fail | skipped | error
};

struct StableRef {
  std::string tag; // "v1.3.2"
  git::Oid commit;
};

//   Release v1.4.0
//
//   <release notes>
//
//   Tollgate-Promotion: v1
//   Candidate: <40 hex>
//   Approved-by: Ada Lovelace <ada@example.com> <fingerprint> <approval object>
//   Check: pytest pass
//   Attested-by: pytest <fingerprint> <attestation blob> CI   (a check not run here; one per shard)
//   Policy: policies pass
//   Rules: stable v1.3.2 <40 hex>             (or `candidate (first promotion)`)
//   Sandbox: confine=on backend=bwrap cpu=600s mem=4096MiB net=none procs=512
//   Floor-note: <one loosening of tollgate.yaml the trust root ignored>   (zero or more)
//   Recovered-trust-root: v1.3.1 <40 hex>     (`promote --recover-trust-root` only)
//   Previous-stable: v1.3.2 <40 hex>          (or `none`)
// `Rules:`, `Sandbox:`, `Floor-note:` and `Recovered-trust-root:` are optional (records before
// them lack them). `Recovered-trust-root:` names the earlier release whose trust root counted the
// approvals because the one at Previous-stable was broken (core/trust_root_recovery.hpp).
struct PromotionRecord {
  std::string tag;     // "v1.4.0"
  std::string version; // "1.4.0"
  git::Oid candidate;
  std::vector<RecordedApproval> approvals;
  std::vector<RecordedResult> checks;
  std::vector<RecordedAttestation> attestations;
  std::vector<RecordedResult> policies;
  std::optional<StableRef> previous_stable;
  std::string notes;                    // the release notes (the CHANGELOG section), without the trailers
  std::string rules;                    // where the rules came from; empty in older records
  std::string sandbox;                  // the limits and confinement in force; empty in older records
  std::vector<std::string> floor_notes; // loosenings the governance floor ignored
  std::optional<StableRef> recovered_trust_root;
  // True when the record says the checks ran unconfined (`confine=off`).
  bool unconfined() const;
};

std::string format_release_message(const PromotionRecord& record);
// Fails unless the message carries a v1 promotion record.
Result<PromotionRecord> parse_release_message(std::string_view message);

// How a release came to a stage after the first (`promote --stage`, docs/stages.md).
struct StageEvidence {
  std::string from_stage;   // the stage before, "staging"
  git::Oid from_tag;        // the tag object that stage held
  std::int64_t entered = 0; // when the release entered it (that tag object's time)
  std::int64_t soak = 0;    // required, seconds
  std::int64_t held = 0;    // how long it had held it at the move
  std::vector<RecordedApproval> signoffs;
  std::string verify; // "pass <command>"; empty when the stage has no `verify`
};

//   stable -> v1.4.0                          (the stage's name: `staging -> v1.4.0`)
//
//   Tollgate-Stable: v1
//   Stage: staging                            (stages other than stable only)
//   Release: v1.4.0 <release tag object>
//   Previous-stable: v1.3.2 <40 hex>          (or `none`: the release this stage held before)
//   From-stage: staging <tag object> <unix time it entered>   (promote --stage only, then:)
//   Soak: <required>s held <held>s
//   Sign-off: Name <email> <fingerprint> <sign-off object>    (zero or more)
//   Verify: pass <command>                    (when the stage has a `verify`)
//   Demoted-by: Name <email> <fingerprint>    (rollback --demote only)
//   Reason: <one line>                        (rollback --demote only)
struct StableRecord {
  std::string release; // "v1.4.0"
  git::Oid release_tag;
  std::optional<StableRef> previous_stable;
  std::string demoted_by; // empty for a promotion
  std::string reason;
  std::string stage; // empty: the stable stage
  std::optional<StageEvidence> evidence;
};

std::string format_stable_message(const StableRecord& record);
Result<StableRecord> parse_stable_message(std::string_view message);

} // namespace tollgate::core
