#pragma once
// MAINTAINERS.yaml (DESIGN.md §3, a contract): who may approve, by which keys, with which roles.

#include "core/config/config.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

struct Maintainer {
  std::string name;
  std::string email;
  std::vector<std::string> keys; // primary-key fingerprints: 40 hex, upper case
  std::vector<std::string> roles;
  Location location;
};

// A key that may sign check attestations (docs/attestations.md): CI's, not a maintainer's.
struct Attester {
  std::string name;
  std::vector<std::string> keys;   // primary-key fingerprints: 40 hex, upper case
  std::vector<std::string> checks; // the check ids its keys may attest
  Location location;
  bool may_attest(std::string_view check_id) const;
};

struct Maintainers {
  std::vector<Maintainer> list;
  std::vector<Attester> attesters;
  // The attester owning primary-key `fingerprint` (any case); nullptr when none.
  const Attester* attester_by_fingerprint(std::string_view fingerprint) const;
  // The maintainer owning primary-key `fingerprint` (any case); nullptr when none.
  const Maintainer* by_fingerprint(std::string_view fingerprint) const;
  // The maintainer with `email` (case-insensitive); nullptr when none.
  const Maintainer* by_email(std::string_view email) const;
};

// Parses `text` as the content of `file_label`; errors are one line, `file:line:col: ...`. Unknown
// keys, missing names/emails/keys, malformed fingerprints and a fingerprint listed twice are errors;
// `maintainers: []` is not (a trust root in which no approval can count yet). `attesters:` is
// optional: each with a name, keys and the check ids they may attest.
Result<Maintainers> parse_maintainers(std::string_view text, const std::string& file_label);

} // namespace tollgate::core
