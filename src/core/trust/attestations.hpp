#pragma once
// Check attestations (docs/attestations.md): an attester's signed statement that one check passed
// (or not) on one tree, filed at refs/tollgate/attestations/<tree>/<check-id>/[shard-I-of-N/]<fingerprint>
// as a DSSE envelope (core/attestation_format.hpp). Creating them after a confined run, and judging
// every attestation of a candidate's tree against the trust root (its `attesters:`) and the checks
// in force, each with the one reason it does or does not count.

#include "core/trust/attestation_format.hpp"
#include "core/trust/trust_root.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tollgate::core {

enum class AttestationVerdict {
  counts,
  malformed,      // not a readable attestation: a missing object, not a DSSE envelope, a foreign payload
  bad_signature,  // altered after signing
  unknown_key,    // the key is not among the trust root's keys
  not_attester,   // the key is known but belongs to no attester
  revoked_key,    // the signing key is revoked
  expired_key,    // the signing key, or the signature, has expired
  other_tree,     // it attests another tree (replayed)
  misfiled,       // filed under another tree, check, shard or key than it states
  unknown_check,  // no check with its id is in force
  not_attestable, // the check in force by that id is of another kind, or never attested (approvals, policies)
  not_allowed,    // the attester may not attest this check id
  stale,          // the check's definition (options, limits) changed since
  not_passed,     // it records a failure
};
std::string_view to_string(AttestationVerdict verdict); // "bad-signature", ...

// Whether checks of `kind` may be attested: those that run commands (pytest, pre-commit, command).
// Approvals, policies, the changelog, the trust root and the sandbox limits are judged at promotion.
bool attestable_kind(std::string_view kind);

struct AttestationRecord {
  std::string ref;
  std::string object;      // the envelope blob; empty when the ref points at nothing readable
  std::string fingerprint; // the signer's primary key, when known
  std::string attester;    // its name, when the key belongs to one
  std::string check_id;    // as filed
  Shard shard;             // as filed
  std::string commit;      // the statement's, when readable
  std::string status;      // the statement's result
  std::string summary;
  double seconds = 0;
  std::string sandbox;
  nlohmann::json details = nlohmann::json::object();
  std::int64_t signed_at = 0;
  AttestationVerdict verdict = AttestationVerdict::malformed;
  std::string reason; // one line
  bool counts() const { return verdict == AttestationVerdict::counts; }
};

// A check in force that attestations may stand in for.
struct AttestableCheck {
  std::string id;
  std::string kind;
  std::string definition; // definition_digest() in force
};

// Whether a check in force is attested: by one whole-check attestation, or by all N shards of one N.
struct CheckAttestation {
  AttestableCheck check;
  std::vector<std::size_t> used; // indexes into AttestationsReport::attestations, in shard order
  std::string reason;            // "attested by CI (key …)" or why not
  bool attested() const { return !used.empty(); }
};

struct AttestationsReport {
  git::Oid candidate;
  git::Oid tree;
  std::string trust_source;
  std::vector<AttestationRecord> attestations;
  std::vector<CheckAttestation> checks;
  // "pytest by CI (key …)"; one entry per attested check.
  std::vector<std::string> attested_lines() const;
  nlohmann::json to_json() const;
};

// Judges every attestation filed under the candidate's tree against `root` and the checks `in_force`.
Result<AttestationsReport> evaluate_attestations(const git::Repository& repo, const TrustRoot& root,
                                                 const git::Oid& candidate,
                                                 const std::vector<AttestableCheck>& in_force);

} // namespace tollgate::core
