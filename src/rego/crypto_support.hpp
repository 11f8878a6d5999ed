#pragma once
// mbedTLS helpers shared by the crypto.* and io.jwt.* built-ins: owned contexts, base64 and
// certificate loading.

#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <optional>
#include <string>

namespace tollgate::rego::crypto {

// An mbedTLS context initialised on construction and freed on destruction.
template <class T, void (*Init)(T*), void (*Free)(T*)> class Owned {
public:
  Owned() { Init(&m_value); }
  ~Owned() { Free(&m_value); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  T* get() { return &m_value; }
  T* operator->() { return &m_value; }

private:
  T m_value;
};

using Certificates = Owned<mbedtls_x509_crt, &mbedtls_x509_crt_init, &mbedtls_x509_crt_free>;
using PublicKey = Owned<mbedtls_pk_context, &mbedtls_pk_init, &mbedtls_pk_free>;

// Standard base64 (padding optional when `url` is set, which also selects the -_ alphabet).
std::optional<std::string> base64_decode(std::string text, bool url);
std::string base64_encode(const std::string& bytes);

// Certificates from PEM text, or from base64 of DER or PEM; false when none parse.
bool load_certificates(const std::string& text, Certificates& out);

// The digest of `data` as raw bytes (`md` one of MBEDTLS_MD_*).
std::string digest(mbedtls_md_type_t md, const std::string& data);

} // namespace tollgate::rego::crypto
