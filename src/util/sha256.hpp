#pragma once
// SHA-256 (mbedtls), for content-addressed cache keys: keyrings and verification verdicts.

#include <array>
#include <memory>
#include <string>
#include <string_view>

struct mbedtls_sha256_context;

namespace tollgate::util {

class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(std::string_view data);
  // Length-prefixed, so that ("ab", "c") and ("a", "bc") hash differently.
  Sha256& update_field(std::string_view data);
  // Finishes the hash: 64 lowercase hex digits.
  std::string hex();

private:
  struct Free {
    void operator()(mbedtls_sha256_context* context) const;
  };
  std::unique_ptr<mbedtls_sha256_context, Free> m_context;
};

std::string sha256_hex(std::string_view data);

// A 32-byte digest as 64 lowercase hex digits.
std::string digest_hex(const std::array<unsigned char, 32>& digest);

} // namespace tollgate::util
