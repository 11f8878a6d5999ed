#pragma once
// OpenPGP public keys read in-process with RNP (no gpg process, no agent, no home directory): what
// an armored key file holds, for validating a trust root before it is trusted.

#include "util/expected.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::openpgp {

struct PublicKey {
  std::string fingerprint; // the primary key's, upper-case hex
  std::string user_id;     // the primary user id ("" when none)
  bool revoked = false;
  bool valid = false;           // self-signed, neither revoked nor expired now
  std::uint64_t valid_till = 0; // UINT64_MAX when it never expires; 0 when never valid
  bool can_sign = false;        // the primary key or a valid subkey may sign
};

// Every primary key in `data` (armored or binary; several keys may follow each other). An error for
// data that holds no key or that RNP cannot read.
Result<std::vector<PublicKey>> read_public_keys(std::string_view data);

// read_public_keys of each of `files`, one result each, in one RNP context emptied between files (a
// context costs more to create than a key to read: 100 key files took 100 contexts).
std::vector<Result<std::vector<PublicKey>>> read_public_keys_each(std::span<const std::string_view> files);

} // namespace tollgate::openpgp
