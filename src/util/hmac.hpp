#pragma once
// HMAC-SHA256 (mbedtls), for authenticating state that lives where others could write it.

#include <string>
#include <string_view>

namespace tollgate::util {

// HMAC-SHA256 of `data` under `key`: 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Compares in time independent of where `a` and `b` differ (for MACs).
bool equal_constant_time(std::string_view a, std::string_view b);

} // namespace tollgate::util
