#include "core/trust/attestations.hpp"

#include "core/trust/signature_verifier.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>

namespace tollgate::core {

namespace {

// An attestation read from its ref, before its signature is judged.
struct Pending {
  AttestationRecord record;
  AttestationRefName filed;
  Envelope envelope;
  std::string signed_bytes; // PAE(payloadType, payload)
  std::vector<SignatureVerdict> verdicts;
};

void reject(AttestationRecord& record, AttestationVerdict verdict, std::string reason)
{
  record.verdict = verdict;
  record.reason = std::move(reason);
}

std::string short_key(std::string_view fingerprint)
{
  return fingerprint.size() > 16 ? std::string(fingerprint.substr(fingerprint.size() - 16)) : std::string(fingerprint);
}

bool same_key(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

// Reads the ref's blob and its envelope; anything unreadable is judged here, as malformed.
Pending read_pending(const git::Repository& repo, const git::Ref& ref)
{
  Pending item;
  item.record.ref = ref.name;
  auto filed = parse_attestation_ref(ref.name);
  if (!filed) {
    reject(item.record, AttestationVerdict::malformed,
           "not an attestation ref (expected <tree>/<check-id>/[shard-I-of-N/]<fingerprint>)");
    return item;
  }
  item.filed = *filed;
  item.record.check_id = filed->check_id;
  item.record.shard = filed->shard;
  auto raw = git::read_raw(repo, ref.target);
  if (!raw) {
    reject(item.record, AttestationVerdict::malformed,
           fmt::format("points at a missing object {}", ref.target.short_hex()));
    return item;
  }
  item.record.object = ref.target.hex();
  if (raw->type != GIT_OBJECT_BLOB) {
    reject(item.record, AttestationVerdict::malformed,
           fmt::format("is a {}, not a DSSE envelope (a blob)", git_object_type2string(raw->type)));
    return item;
  }
  auto envelope = parse_envelope(raw->data);
  if (!envelope) {
    reject(item.record, AttestationVerdict::malformed, envelope.error().message);
    return item;
  }
  if (envelope->payload_type != k_in_toto_payload_type) {
    reject(item.record, AttestationVerdict::malformed,
           fmt::format("its payloadType is `{}`, not {}", envelope->payload_type, k_in_toto_payload_type));
    return item;
  }
  item.envelope = std::move(*envelope);
  item.signed_bytes = pae(item.envelope.payload_type, item.envelope.payload);
  item.record.verdict = AttestationVerdict::counts; // provisional: judged after verification
  return item;
}

// Verifies every signature of every readable item, in one batch.
Result<void> verify_all(std::vector<Pending>& items, const TrustRoot& root)
{
  std::vector<SignedBytes> batch;
  for (const auto& item : items) {
    if (item.record.verdict == AttestationVerdict::counts) {
      for (const auto& signature : item.envelope.signatures) {
        batch.push_back(SignedBytes{item.signed_bytes, signature.sig});
      }
    }
  }
  if (batch.empty()) {
    return {};
  }
  auto verifier = SignatureVerifier::open(root.keys, root.digest, root.verify);
  if (!verifier) {
    return std::unexpected(verifier.error());
  }
  auto verdicts = verifier->verify(batch);
  if (!verdicts) {
    return std::unexpected(verdicts.error());
  }
  std::size_t next = 0;
  for (auto& item : items) {
    if (item.record.verdict == AttestationVerdict::counts) {
      for (std::size_t i = 0; i < item.envelope.signatures.size(); ++i) {
        item.verdicts.push_back(std::move((*verdicts)[next++]));
      }
    }
  }
  return {};
}

// The signature that decides: the first good one by an attester's key, else the first good one,
// else the first.
const SignatureVerdict& deciding(const Pending& item, const TrustRoot& root)
{
  const auto good = [](const SignatureVerdict& verdict) { return verdict.state == gpg::SignatureState::good; };
  for (const auto& verdict : item.verdicts) {
    if (good(verdict) && root.maintainers.attester_by_fingerprint(verdict.primary) != nullptr) {
      return verdict;
    }
  }
  const auto first_good = std::find_if(item.verdicts.begin(), item.verdicts.end(), good);
  return first_good != item.verdicts.end() ? *first_good : item.verdicts.front();
}

// The signature's verdict: false (and the record rejected) unless it is good and current.
bool judge_signature(AttestationRecord& record, const SignatureVerdict& verification, std::int64_t now)
{
  record.fingerprint = verification.primary;
  record.signed_at = verification.created;
  switch (verification.state) {
  case gpg::SignatureState::good:
    break;
  case gpg::SignatureState::bad:
    reject(record, AttestationVerdict::bad_signature, "bad signature: the attestation was altered after it was signed");
    return false;
  case gpg::SignatureState::unknown_key:
    reject(record, AttestationVerdict::unknown_key,
           fmt::format("unknown key {}: not among the trust root's {}", short_key(verification.primary), k_keys_dir));
    return false;
  case gpg::SignatureState::revoked_key:
    reject(record, AttestationVerdict::revoked_key,
           fmt::format("signed with revoked key {}", short_key(verification.primary)));
    return false;
  case gpg::SignatureState::expired_key:
  case gpg::SignatureState::expired_signature:
    reject(record, AttestationVerdict::expired_key, "the key or the signature has expired");
    return false;
  }
  if ((verification.key_expires != 0 && verification.key_expires <= now) ||
      (verification.expires != 0 && verification.expires <= now)) {
    reject(record, AttestationVerdict::expired_key, "the key or the signature has expired");
    return false;
  }
  return true;
}

// Everything after the signature check, in the order that gives the most telling reason first.
void judge(Pending& item, const TrustRoot& root, const AttestationsReport& report,
           const std::vector<AttestableCheck>& in_force, std::int64_t now)
{
  AttestationRecord& record = item.record;
  const SignatureVerdict& verification = deciding(item, root);
  if (!judge_signature(record, verification, now)) {
    return;
  }
  const Attester* attester = root.maintainers.attester_by_fingerprint(verification.primary);
  if (attester == nullptr) {
    return reject(record, AttestationVerdict::not_attester,
                  fmt::format("key {} belongs to no attester in {} at {}", short_key(verification.primary),
                              root.maintainers_path, root.source));
  }
  record.attester = attester->name;
  auto statement = parse_statement(item.envelope.payload);
  if (!statement) {
    return reject(record, AttestationVerdict::malformed, statement.error().message);
  }
  record.commit = statement->commit.hex();
  record.status = statement->status;
  record.summary = statement->summary;
  record.seconds = statement->seconds;
  record.sandbox = statement->sandbox;
  record.details = statement->details;
  if (statement->tree != report.tree) {
    return reject(record, AttestationVerdict::other_tree,
                  fmt::format("it attests tree {}, not the candidate's {}", statement->tree.short_hex(),
                              report.tree.short_hex()));
  }
  if (!same_key(item.filed.fingerprint, verification.primary) || statement->check_id != item.filed.check_id ||
      !(statement->shard == item.filed.shard)) {
    return reject(record, AttestationVerdict::misfiled,
                  fmt::format("filed as {}{} by key {}, but it is {}{} signed by {}", item.filed.check_id,
                              item.filed.shard.whole() ? "" : " shard " + item.filed.shard.str(),
                              short_key(item.filed.fingerprint), statement->check_id,
                              statement->shard.whole() ? "" : " shard " + statement->shard.str(),
                              short_key(verification.primary)));
  }
  const auto check = std::find_if(in_force.begin(), in_force.end(),
                                  [&](const AttestableCheck& one) { return one.id == statement->check_id; });
  if (check == in_force.end()) {
    return reject(record, AttestationVerdict::unknown_check,
                  fmt::format("no attestable check `{}` is in force (approvals and policies are never attested)",
                              statement->check_id));
  }
  if (check->kind != statement->kind) {
    return reject(record, AttestationVerdict::not_attestable,
                  fmt::format("it attests a `{}` check, but `{}` in force is a `{}` check", statement->kind, check->id,
                              check->kind));
  }
  if (!attester->may_attest(check->id)) {
    return reject(
        record, AttestationVerdict::not_allowed,
        fmt::format("attester {} may attest {}, not `{}`", attester->name,
                    attester->checks.empty() ? "nothing" : fmt::format("{}", fmt::join(attester->checks, ", ")),
                    check->id));
  }
  if (statement->definition != check->definition) {
    return reject(record, AttestationVerdict::stale,
                  "stale: the check's definition (options, timeout or limits) changed since it was attested");
  }
  if (statement->status != "pass") {
    return reject(record, AttestationVerdict::not_passed,
                  fmt::format("it records `{}`: {}", statement->status, statement->summary));
  }
  record.verdict = AttestationVerdict::counts;
  record.reason = fmt::format(
      "counts: {} by {}", statement->shard.whole() ? "attested" : "shard " + statement->shard.str(), attester->name);
}

// Whether `check` is attested: a whole-check attestation, else all shards of the smallest complete N.
CheckAttestation decide(const AttestableCheck& check, const std::vector<AttestationRecord>& records)
{
  CheckAttestation decision{check, {}, {}};
  std::map<unsigned, std::map<unsigned, std::size_t>> shards; // count -> index -> record
  for (std::size_t i = 0; i < records.size(); ++i) {
    const AttestationRecord& record = records[i];
    if (!record.counts() || record.check_id != check.id) {
      continue;
    }
    if (record.shard.whole()) {
      decision.used = {i};
      decision.reason = fmt::format("attested by {} (key {})", record.attester, short_key(record.fingerprint));
      return decision;
    }
    shards[record.shard.count].emplace(record.shard.index, i);
  }
  std::string partial;
  for (const auto& [count, present] : shards) {
    if (present.size() == count) {
      std::vector<std::string> who;
      for (const auto& [index, at] : present) {
        decision.used.push_back(at);
        const std::string name = records[at].attester;
        if (std::find(who.begin(), who.end(), name) == who.end()) {
          who.push_back(name);
        }
      }
      decision.reason = fmt::format("attested in {} shards by {}", count, fmt::join(who, ", "));
      return decision;
    }
    if (partial.empty()) {
      std::vector<std::string> missing;
      for (unsigned index = 1; index <= count; ++index) {
        if (!present.contains(index)) {
          missing.push_back(fmt::format("{}/{}", index, count));
        }
      }
      partial =
          fmt::format("not attested: shard{} {} missing", missing.size() == 1 ? "" : "s", fmt::join(missing, ", "));
    }
  }
  decision.reason = partial.empty() ? "not attested: no attestation counts" : partial;
  return decision;
}

nlohmann::json record_json(const AttestationRecord& record)
{
  return {{"ref", record.ref},
          {"object", record.object},
          {"check", record.check_id},
          {"shard", record.shard.whole() ? nlohmann::json(nullptr) : nlohmann::json(record.shard.str())},
          {"attester", record.attester},
          {"fingerprint", record.fingerprint},
          {"commit", record.commit},
          {"status", record.status},
          {"summary", record.summary},
          {"seconds", record.seconds},
          {"sandbox", record.sandbox},
          {"signed_at", record.signed_at},
          {"counts", record.counts()},
          {"verdict", to_string(record.verdict)},
          {"reason", record.reason}};
}

} // namespace

std::string_view to_string(AttestationVerdict verdict)
{
  switch (verdict) {
  case AttestationVerdict::counts:
    return "counts";
  case AttestationVerdict::malformed:
    return "malformed";
  case AttestationVerdict::bad_signature:
    return "bad-signature";
  case AttestationVerdict::unknown_key:
    return "unknown-key";
  case AttestationVerdict::not_attester:
    return "not-an-attester";
  case AttestationVerdict::revoked_key:
    return "revoked-key";
  case AttestationVerdict::expired_key:
    return "expired-key";
  case AttestationVerdict::other_tree:
    return "other-tree";
  case AttestationVerdict::misfiled:
    return "misfiled";
  case AttestationVerdict::unknown_check:
    return "unknown-check";
  case AttestationVerdict::not_attestable:
    return "not-attestable";
  case AttestationVerdict::not_allowed:
    return "not-allowed";
  case AttestationVerdict::stale:
    return "stale";
  case AttestationVerdict::not_passed:
    return "not-passed";
  }
  return "malformed";
}

bool attestable_kind(std::string_view kind)
{
  return kind != "approvals" && kind != "policies" && kind != "changelog" && kind != "sandbox-limits" &&
         kind != "trust-root";
}

std::vector<std::string> AttestationsReport::attested_lines() const
{
  std::vector<std::string> lines;
  for (const auto& check : checks) {
    if (check.attested()) {
      lines.push_back(fmt::format("{} {}", check.check.id, check.reason));
    }
  }
  return lines;
}

nlohmann::json AttestationsReport::to_json() const
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& record : attestations) {
    list.push_back(record_json(record));
  }
  nlohmann::json checks_json = nlohmann::json::array();
  for (const auto& check : checks) {
    nlohmann::json used = nlohmann::json::array();
    for (const std::size_t at : check.used) {
      used.push_back(attestations[at].object);
    }
    checks_json.push_back({{"id", check.check.id},
                           {"kind", check.check.kind},
                           {"definition", check.check.definition},
                           {"attested", check.attested()},
                           {"attestations", used},
                           {"reason", check.reason}});
  }
  return {{"candidate", candidate.hex()},
          {"tree", tree.hex()},
          {"trust_root", trust_source},
          {"checks", checks_json},
          {"attestations", list}};
}

Result<AttestationsReport> evaluate_attestations(const git::Repository& repo, const TrustRoot& root,
                                                 const git::Oid& candidate,
                                                 const std::vector<AttestableCheck>& in_force)
{
  AttestationsReport report;
  report.candidate = candidate;
  report.trust_source = root.source;
  auto commit = git::read_commit(repo, candidate);
  if (!commit) {
    return std::unexpected(commit.error());
  }
  report.tree = commit->tree;
  auto refs = git::list_refs_under(repo, fmt::format("{}{}/", k_attestations_ref_prefix, report.tree.hex()));
  if (!refs) {
    return std::unexpected(refs.error());
  }
  std::vector<Pending> items;
  items.reserve(refs->size());
  for (const auto& ref : *refs) {
    items.push_back(read_pending(repo, ref));
  }
  if (auto verified = verify_all(items, root); !verified) {
    return std::unexpected(verified.error());
  }
  const std::int64_t now = std::time(nullptr);
  for (auto& item : items) {
    if (item.record.verdict == AttestationVerdict::counts) {
      judge(item, root, report, in_force, now);
    }
    report.attestations.push_back(std::move(item.record));
  }
  for (const auto& check : in_force) {
    report.checks.push_back(decide(check, report.attestations));
  }
  return report;
}

} // namespace tollgate::core
