#include "util/sha256.hpp"

#include <mbedtls/sha256.h>

#include <array>
#include <cstdint>

namespace tollgate::util {

void Sha256::Free::operator()(mbedtls_sha256_context* context) const
{
  mbedtls_sha256_free(context);
  delete context; // NOLINT: paired with the `new` in the constructor, owned by the unique_ptr
}

Sha256::Sha256() : m_context(new mbedtls_sha256_context)
{
  mbedtls_sha256_init(m_context.get());
  mbedtls_sha256_starts_ret(m_context.get(), 0);
}

Sha256::~Sha256() = default;

Sha256& Sha256::update(std::string_view data)
{
  mbedtls_sha256_update_ret(m_context.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return *this;
}

Sha256& Sha256::update_field(std::string_view data)
{
  std::array<unsigned char, 8> length{};
  auto size = static_cast<std::uint64_t>(data.size());
  for (auto& byte : length) {
    byte = static_cast<unsigned char>(size & 0xffU);
    size >>= 8U;
  }
  mbedtls_sha256_update_ret(m_context.get(), length.data(), length.size());
  return update(data);
}

std::string Sha256::hex()
{
  std::array<unsigned char, 32> digest{};
  mbedtls_sha256_finish_ret(m_context.get(), digest.data());
  return digest_hex(digest);
}

std::string digest_hex(const std::array<unsigned char, 32>& digest)
{
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(64);
  for (const unsigned char byte : digest) {
    text += k_digits[byte >> 4U];
    text += k_digits[byte & 0xfU];
  }
  return text;
}

std::string sha256_hex(std::string_view data)
{
  return Sha256().update(data).hex();
}

} // namespace tollgate::util
