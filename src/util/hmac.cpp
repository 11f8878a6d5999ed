#include "util/hmac.hpp"

#include "util/sha256.hpp"

#include <mbedtls/md.h>

#include <array>

namespace tollgate::util {

std::string hmac_sha256_hex(std::string_view key, std::string_view data)
{
  std::array<unsigned char, 32> mac{};
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), reinterpret_cast<const unsigned char*>(key.data()),
                  key.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data());
  return digest_hex(mac);
}

bool equal_constant_time(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference =
        static_cast<unsigned char>(difference | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return difference == 0;
}

} // namespace tollgate::util
