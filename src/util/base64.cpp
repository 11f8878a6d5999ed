#include "util/base64.hpp"

#include <mbedtls/base64.h>

namespace tollgate::util {

std::string base64_encode(std::string_view bytes)
{
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  std::size_t written = 0;
  mbedtls_base64_encode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &written,
                        reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.resize(written);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
  std::string out(3 * (text.size() / 4) + 3, '\0');
  std::size_t written = 0;
  if (mbedtls_base64_decode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &written,
                            reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 0) {
    return std::nullopt;
  }
  out.resize(written);
  return out;
}

} // namespace tollgate::util
