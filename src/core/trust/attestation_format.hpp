#pragma once
// The bytes of a check attestation (docs/attestations.md, a contract): an in-toto Statement v1
// whose predicate (`https://tollgate.dev/check-result/v1`) is one check's result on one tree, in a
// DSSE envelope whose signatures cover DSSE's pre-authentication encoding of the statement. Pure
// formatting and parsing: no git, no keys.

#include "core/config/config.hpp"
#include "git/oid.hpp"
#include "proc/sandbox.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

inline constexpr std::string_view k_statement_type = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view k_check_predicate_type = "https://tollgate.dev/check-result/v1";
inline constexpr std::string_view k_in_toto_payload_type = "application/vnd.in-toto+json";
inline constexpr std::string_view k_attestations_ref_prefix = "refs/tollgate/attestations/";

// One of `count` deterministic slices of a check's tests (`check --shard I/N`); count 0: the whole.
struct Shard {
  unsigned index = 0; // 1-based
  unsigned count = 0;
  bool whole() const { return count == 0; }
  std::string str() const; // "1/2", or "" for the whole
  bool operator==(const Shard&) const = default;
};
// "I/N" with 1 <= I <= N <= 256; an error names what is wrong.
Result<Shard> parse_shard(std::string_view text);

// What one attestation states.
struct CheckStatement {
  git::Oid commit;
  git::Oid tree;
  std::string repository;
  std::string check_id;
  std::string kind;
  std::string definition; // definition_digest() of the check in force when it ran
  std::string status;     // pass | fail | skipped | error
  std::string summary;
  double seconds = 0;
  nlohmann::json details = nlohmann::json::object(); // the check's structured facts
  nlohmann::json tools = nlohmann::json::object();   // {"tollgate": "0.9.0", ...}
  std::string sandbox;                               // the limits and backend in force (core/limits describe_limits)
  Shard shard;
  std::int64_t finished = 0; // Unix time
};

// The statement as JSON text (one line); parse_statement reads it back, refusing anything else
// (another `_type` or `predicateType`, a missing or mistyped field).
std::string format_statement(const CheckStatement& statement);
Result<CheckStatement> parse_statement(std::string_view text);

// DSSE's pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body.
std::string pae(std::string_view type, std::string_view body);

struct EnvelopeSignature {
  std::string keyid; // the signer's primary-key fingerprint
  std::string sig;   // the signature's bytes (decoded): an armored OpenPGP detached signature
};

// A DSSE envelope with its payload and signatures decoded from base64.
struct Envelope {
  std::string payload_type;
  std::string payload;
  std::vector<EnvelopeSignature> signatures;
};
std::string format_envelope(const Envelope& envelope);
// Fails on anything but a JSON object with a string payloadType, base64 payload and at least one
// {keyid, sig} whose sig is base64.
Result<Envelope> parse_envelope(std::string_view text);

// The digest ("sha256:<hex>") of what defines a check's verdict: its kind, id and options as
// tollgate.yaml gives them (the floor's), and the sandbox limits it runs under. Formatting the YAML
// differently keeps it; changing an option, a timeout, a limit or the network setting changes it.
std::string definition_digest(const CheckSpec& spec, const proc::Limits& limits);

// Where an attestation is filed: refs/tollgate/attestations/<tree>/<check-id>/<fingerprint>, with
// `shard-<I>-of-<N>/` before the fingerprint for a shard.
std::string attestation_ref(const git::Oid& tree, std::string_view check_id, const Shard& shard,
                            std::string_view fingerprint);
struct AttestationRefName {
  std::string tree;
  std::string check_id;
  Shard shard;
  std::string fingerprint;
};
std::optional<AttestationRefName> parse_attestation_ref(std::string_view name);
// Whether `id` can name an attestation ref: [A-Za-z0-9._-], not starting with '.' or '-'.
bool attestable_id(std::string_view id);

} // namespace tollgate::core
