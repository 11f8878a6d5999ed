#pragma once
// Attesting a confined run (`check --attest`, docs/attestations.md): one signed statement per
// attestable check written under refs/tollgate/attestations; and the other way round, a check that
// does not run here because its result was decided elsewhere (attested by CI, or left to the
// promotion by `gate`).

#include "checks/check.hpp"
#include "core/checklist/runner.hpp"
#include "core/trust/attestations.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tollgate::core {

struct CreatedAttestation {
  std::string ref;
  git::Oid object;
  bool replaced = false; // this key had attested this check of this tree before
};

// Signs `statement` (DSSE over its PAE) with secret key `fingerprint`, writes the envelope as a blob
// and points its ref at it.
Result<CreatedAttestation> create_attestation(const git::Repository& repo, const gpg::Context& gpg,
                                              const std::string& fingerprint, const CheckStatement& statement);

// The checks of `specs` attestations may stand in for, with their definitions under `limits`.
std::vector<AttestableCheck> attestable_checks(const std::vector<CheckSpec>& specs, const proc::Limits& limits);

// What an attesting run (`check --attest`) signs with, besides its results.
struct AttestingRun {
  git::Oid commit;
  std::string repository;  // the trust root's identity of this repository
  std::string fingerprint; // the attester's secret key
  Shard shard;
  proc::Limits limits; // in force
};
struct AttestedResult {
  std::string check_id;
  std::string status;
  CreatedAttestation created;
};
// Attests every attestable check of `report` that passed or failed (not skipped, not an error).
Result<std::vector<AttestedResult>> attest_results(const git::Repository& repo, const gpg::Context& gpg,
                                                   const std::vector<CheckSpec>& specs, const RunReport& report,
                                                   const AttestingRun& run);

// A check that does not run here: it reports `result`, decided elsewhere (attested, or left to the
// promotion by `gate`).
std::unique_ptr<checks::Check> decided_check(const CheckSpec& spec, checks::CheckResult result);
bool decided_elsewhere(const checks::Check& check);

// The result standing in for running `check` (attested): pass, with the attested facts.
checks::CheckResult attested_result(const AttestationsReport& report, const CheckAttestation& check);

} // namespace tollgate::core
