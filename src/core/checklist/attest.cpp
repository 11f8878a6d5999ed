// Writing attestations: after a confined run, one signed statement per attestable check.

#include "core/checklist/attest.hpp"

#include "core/checklist/limits.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace tollgate::core {

namespace {

class DecidedCheck final : public checks::Check {
public:
  DecidedCheck(CheckSpec spec, checks::CheckResult result) : checks::Check(std::move(spec)), m_result(std::move(result))
  {
  }
  checks::CheckResult run(const checks::Context& /*context*/) override { return m_result; }

private:
  checks::CheckResult m_result;
};

} // namespace

std::vector<AttestableCheck> attestable_checks(const std::vector<CheckSpec>& specs, const proc::Limits& limits)
{
  std::vector<AttestableCheck> checks;
  for (const auto& spec : specs) {
    if (attestable_kind(spec.kind)) {
      checks.push_back({spec.id, spec.kind, definition_digest(spec, limits)});
    }
  }
  return checks;
}

Result<CreatedAttestation> create_attestation(const git::Repository& repo, const gpg::Context& gpg,
                                              const std::string& fingerprint, const CheckStatement& statement)
{
  if (!attestable_id(statement.check_id)) {
    return fail(fmt::format("check id `{}` cannot name an attestation ref (use letters, digits, `.`, `_` and `-`)",
                            statement.check_id));
  }
  Envelope envelope;
  envelope.payload_type = k_in_toto_payload_type;
  envelope.payload = format_statement(statement);
  auto signature = gpg.sign_detached(pae(envelope.payload_type, envelope.payload), fingerprint);
  if (!signature) {
    return std::unexpected(signature.error());
  }
  envelope.signatures.push_back({fingerprint, std::move(*signature)});
  auto object = git::write_raw(repo, format_envelope(envelope), GIT_OBJECT_BLOB);
  if (!object) {
    return std::unexpected(object.error());
  }
  CreatedAttestation created;
  created.ref = attestation_ref(statement.tree, statement.check_id, statement.shard, fingerprint);
  created.object = *object;
  auto previous = git::read_ref(repo, created.ref);
  if (!previous) {
    return std::unexpected(previous.error());
  }
  created.replaced = previous->has_value();
  if (auto updated = git::update_ref(repo, created.ref, *object, *previous, "tollgate check --attest"); !updated) {
    return std::unexpected(updated.error());
  }
  return created;
}

Result<std::vector<AttestedResult>> attest_results(const git::Repository& repo, const gpg::Context& gpg,
                                                   const std::vector<CheckSpec>& specs, const RunReport& report,
                                                   const AttestingRun& run)
{
  auto commit = git::read_commit(repo, run.commit);
  if (!commit) {
    return std::unexpected(commit.error());
  }
  std::vector<AttestedResult> attested;
  for (const auto& check : report.checks) {
    const checks::Status status = check.result.status;
    const auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const CheckSpec& one) { return one.id == check.id; });
    if (spec == specs.end() || !attestable_kind(check.kind) ||
        (status != checks::Status::pass && status != checks::Status::fail)) {
      continue;
    }
    CheckStatement statement;
    statement.commit = run.commit;
    statement.tree = commit->tree;
    statement.repository = run.repository;
    statement.check_id = check.id;
    statement.kind = check.kind;
    statement.definition = definition_digest(*spec, run.limits);
    statement.status = std::string(to_string(status));
    statement.summary = check.result.summary;
    statement.seconds = check.result.seconds;
    statement.details = check.result.details;
    statement.details.erase("log"); // a path on the attester's machine
    statement.tools = {{"tollgate", TOLLGATE_VERSION}};
    const bool confined = check.result.outcome && check.result.outcome->backend != proc::Backend::none;
    statement.sandbox = describe_limits(
        run.limits, confined ? std::string(proc::to_string(check.result.outcome->backend)) : std::string("none"));
    statement.shard = run.shard;
    statement.finished = std::time(nullptr);
    auto created = create_attestation(repo, gpg, run.fingerprint, statement);
    if (!created) {
      return fail(fmt::format("cannot attest `{}`: {}", check.id, created.error().message));
    }
    attested.push_back({check.id, statement.status, std::move(*created)});
  }
  return attested;
}

checks::CheckResult attested_result(const AttestationsReport& report, const CheckAttestation& check)
{
  checks::CheckResult result;
  result.status = checks::Status::pass;
  nlohmann::json objects = nlohmann::json::array();
  double seconds = 0;
  for (const std::size_t at : check.used) {
    const AttestationRecord& record = report.attestations[at];
    objects.push_back({{"object", record.object},
                       {"attester", record.attester},
                       {"fingerprint", record.fingerprint},
                       {"shard", record.shard.whole() ? nlohmann::json(nullptr) : nlohmann::json(record.shard.str())},
                       {"seconds", record.seconds}});
    seconds += record.seconds;
    for (const auto& [key, value] : record.details.items()) {
      if (check.used.size() > 1 && value.is_number() && result.details.contains(key) &&
          result.details[key].is_number()) {
        result.details[key] = result.details[key].get<double>() + value.get<double>();
      } else if (!result.details.contains(key)) {
        result.details[key] = value;
      }
    }
  }
  const AttestationRecord& first = report.attestations[check.used.front()];
  result.summary = check.used.size() == 1 ? fmt::format("{}: {}", check.reason, first.summary) : check.reason;
  result.details["attested"] = objects;
  result.details["attested_seconds"] = seconds;
  return result;
}

std::unique_ptr<checks::Check> decided_check(const CheckSpec& spec, checks::CheckResult result)
{
  return std::make_unique<DecidedCheck>(spec, std::move(result));
}

bool decided_elsewhere(const checks::Check& check)
{
  return dynamic_cast<const DecidedCheck*>(&check) != nullptr;
}

} // namespace tollgate::core
