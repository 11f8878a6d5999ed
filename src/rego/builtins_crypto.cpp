// crypto.* built-ins over mbedTLS: digests and HMACs as lowercase hex, and X.509 certificates as the
// JSON shape of Go's x509.Certificate (the fields policies read: subject, issuer, validity, names,
// key usage, CA flags, raw DER).

#include "rego/builtins.hpp"
#include "rego/crypto_support.hpp"

#include <fmt/format.h>
#include <mbedtls/base64.h>
#include <mbedtls/oid.h>

#include <cstring>
#include <vector>

namespace tollgate::rego {

namespace crypto {

std::optional<std::string> base64_decode(std::string text, bool url)
{
  if (url) {
    for (char& c : text) {
      c = c == '-' ? '+' : (c == '_' ? '/' : c);
    }
    while (text.size() % 4 != 0) {
      text += '=';
    }
  }
  std::size_t length = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  if (mbedtls_base64_decode(nullptr, 0, &length, in, text.size()) == MBEDTLS_ERR_BASE64_INVALID_CHARACTER) {
    return std::nullopt;
  }
  std::string out(length, '\0');
  if (mbedtls_base64_decode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &length, in, text.size()) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::string base64_encode(const std::string& bytes)
{
  std::size_t length = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  mbedtls_base64_encode(nullptr, 0, &length, in, bytes.size());
  std::string out(length, '\0');
  mbedtls_base64_encode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &length, in, bytes.size());
  out.resize(length);
  return out;
}

bool load_certificates(const std::string& text, Certificates& out)
{
  const auto parse = [&](const std::string& data) {
    if (data.find("-----BEGIN") != std::string::npos) {
      // mbedtls_x509_crt_parse wants PEM text with its terminating NUL counted.
      const std::string pem = data + '\0';
      return mbedtls_x509_crt_parse(out.get(), reinterpret_cast<const unsigned char*>(pem.data()), pem.size()) == 0;
    }
    return mbedtls_x509_crt_parse_der(out.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 0;
  };
  if (text.find("-----BEGIN") != std::string::npos) {
    return parse(text);
  }
  const auto decoded = base64_decode(text, false);
  return decoded && !decoded->empty() && parse(*decoded);
}

std::string digest(mbedtls_md_type_t md, const std::string& data)
{
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md);
  std::string out(mbedtls_md_get_size(info), '\0');
  mbedtls_md(info, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
             reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

} // namespace crypto

namespace {

using builtin::error;
using builtin::str;

std::string hex(const std::string& bytes)
{
  std::string out;
  for (const char c : bytes) {
    out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  }
  return out;
}

constexpr std::string_view md_name(mbedtls_md_type_t md)
{
  return md == MBEDTLS_MD_MD5 ? "md5"
                              : (md == MBEDTLS_MD_SHA1 ? "sha1" : (md == MBEDTLS_MD_SHA256 ? "sha256" : "sha512"));
}

template <mbedtls_md_type_t Md> Value hash(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(hex(crypto::digest(Md, str(fmt::format("crypto.{}", md_name(Md)), a, 0))));
}

template <mbedtls_md_type_t Md> Value hmac(std::span<const Value> a, BuiltinContext&)
{
  const std::string k_name = fmt::format("crypto.hmac.{}", md_name(Md));
  const std::string& data = str(k_name, a, 0);
  const std::string& key = str(k_name, a, 1);
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(Md);
  std::string out(mbedtls_md_get_size(info), '\0');
  mbedtls_md_hmac(info, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                  reinterpret_cast<unsigned char*>(out.data()));
  return Value::string(hex(out));
}

Value hmac_equal(std::span<const Value> a, BuiltinContext&)
{
  const std::string& x = str("crypto.hmac.equal", a, 0);
  const std::string& y = str("crypto.hmac.equal", a, 1);
  unsigned char diff = x.size() == y.size() ? 0 : 1;
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(x[i]) ^ static_cast<unsigned char>(y[i])));
  }
  return Value::boolean(diff == 0);
}

std::string raw(const mbedtls_x509_buf& buf)
{
  return {reinterpret_cast<const char*>(buf.p), buf.len};
}

Value base64_of(const mbedtls_x509_buf& buf)
{
  return Value::string(crypto::base64_encode(raw(buf)));
}

Value mpi_number(const mbedtls_mpi& mpi)
{
  char text[1024];
  std::size_t length = 0;
  if (mbedtls_mpi_write_string(&mpi, 10, text, sizeof text, &length) != 0) {
    return Value::null();
  }
  const std::string digits(text);
  return digits.size() < 19 ? Value::integer(std::stoll(digits)) : Value::big_integer(digits);
}

Value oid_value(const mbedtls_x509_buf& oid)
{
  Array parts;
  std::uint64_t current = 0;
  for (std::size_t i = 0; i < oid.len; ++i) {
    current = (current << 7) | (oid.p[i] & 0x7FU);
    if ((oid.p[i] & 0x80U) == 0) {
      if (parts.empty()) {
        const std::uint64_t first = current < 80 ? current / 40 : 2;
        parts.push_back(Value::integer(static_cast<std::int64_t>(first)));
        parts.push_back(Value::integer(static_cast<std::int64_t>(current - first * 40)));
      } else {
        parts.push_back(Value::integer(static_cast<std::int64_t>(current)));
      }
      current = 0;
    }
  }
  return Value::array(std::move(parts));
}

// Go's pkix.Name as JSON.
Value name_value(const mbedtls_x509_name* name)
{
  struct Field {
    const char* oid;
    std::size_t oid_length;
    const char* key;
    bool list;
  };
#define TOLLGATE_OID(o) o, sizeof(o) - 1
  static const Field k_fields[] = {
      {TOLLGATE_OID(MBEDTLS_OID_AT_COUNTRY), "Country", true},
      {TOLLGATE_OID(MBEDTLS_OID_AT_ORGANIZATION), "Organization", true},
      {TOLLGATE_OID(MBEDTLS_OID_AT_ORG_UNIT), "OrganizationalUnit", true},
      {TOLLGATE_OID(MBEDTLS_OID_AT_LOCALITY), "Locality", true},
      {TOLLGATE_OID(MBEDTLS_OID_AT_STATE), "Province", true},
      {TOLLGATE_OID(MBEDTLS_OID_AT_POSTAL_ADDRESS), "StreetAddress", true},
      {TOLLGATE_OID(MBEDTLS_OID_AT_POSTAL_CODE), "PostalCode", true},
      {TOLLGATE_OID(MBEDTLS_OID_AT_SERIAL_NUMBER), "SerialNumber", false},
      {TOLLGATE_OID(MBEDTLS_OID_AT_CN), "CommonName", false},
  };
#undef TOLLGATE_OID
  std::vector<std::pair<std::string, Array>> lists;
  Entries entries;
  Array names;
  for (const Field& f : k_fields) {
    if (f.list) {
      lists.emplace_back(f.key, Array{});
    } else {
      entries.emplace_back(Value::string(f.key), Value::string(""));
    }
  }
  for (const mbedtls_x509_name* n = name; n != nullptr && n->oid.p != nullptr; n = n->next) {
    const Value text = Value::string(raw(n->val));
    names.push_back(Value::object({{Value::string("Type"), oid_value(n->oid)}, {Value::string("Value"), text}}));
    for (const Field& f : k_fields) {
      if (n->oid.len != f.oid_length || std::memcmp(n->oid.p, f.oid, f.oid_length) != 0) {
        continue;
      }
      if (f.list) {
        for (auto& [key, items] : lists) {
          if (key == f.key) {
            items.push_back(text);
          }
        }
      } else {
        for (auto& [key, value] : entries) {
          if (key.as_string() == f.key) {
            value = text;
          }
        }
      }
    }
  }
  for (auto& [key, items] : lists) {
    entries.emplace_back(Value::string(key), items.empty() ? Value::null() : Value::array(std::move(items)));
  }
  entries.emplace_back(Value::string("Names"), Value::array(std::move(names)));
  entries.emplace_back(Value::string("ExtraNames"), Value::null());
  return Value::object(std::move(entries));
}

Value time_value(const mbedtls_x509_time& t)
{
  return Value::string(fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year, t.mon, t.day, t.hour, t.min, t.sec));
}

// Go's x509.SignatureAlgorithm and PublicKeyAlgorithm numbering.
std::int64_t signature_algorithm(const mbedtls_x509_crt& c)
{
  const bool rsa = c.sig_pk == MBEDTLS_PK_RSA;
  const bool pss = c.sig_pk == MBEDTLS_PK_RSASSA_PSS;
  const bool ec = c.sig_pk == MBEDTLS_PK_ECDSA;
  switch (c.sig_md) {
  case MBEDTLS_MD_MD5:
    return rsa ? 2 : 0;
  case MBEDTLS_MD_SHA1:
    return rsa ? 3 : (ec ? 9 : 0);
  case MBEDTLS_MD_SHA256:
    return rsa ? 4 : (ec ? 10 : (pss ? 13 : 0));
  case MBEDTLS_MD_SHA384:
    return rsa ? 5 : (ec ? 11 : (pss ? 14 : 0));
  case MBEDTLS_MD_SHA512:
    return rsa ? 6 : (ec ? 12 : (pss ? 15 : 0));
  default:
    return 0;
  }
}

Value certificate_value(const mbedtls_x509_crt& c)
{
  const mbedtls_pk_type_t pk = mbedtls_pk_get_type(&c.pk);
  Value public_key = Value::null();
  std::int64_t pk_algorithm = 0;
  if (pk == MBEDTLS_PK_RSA) {
    pk_algorithm = 1;
    const mbedtls_rsa_context* rsa = mbedtls_pk_rsa(c.pk);
    public_key = Value::object({{Value::string("N"), mpi_number(rsa->N)}, {Value::string("E"), mpi_number(rsa->E)}});
  } else if (pk == MBEDTLS_PK_ECKEY || pk == MBEDTLS_PK_ECDSA) {
    pk_algorithm = 3;
    const mbedtls_ecp_keypair* ec = mbedtls_pk_ec(c.pk);
    public_key = Value::object({{Value::string("X"), mpi_number(ec->Q.X)}, {Value::string("Y"), mpi_number(ec->Q.Y)}});
  }
  Array dns;
  for (const mbedtls_x509_sequence* s = &c.subject_alt_names; s != nullptr && s->buf.p != nullptr; s = s->next) {
    if ((s->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) == 2) { // dNSName
      dns.push_back(Value::string(raw(s->buf)));
    }
  }
  // Go numbers key usages from bit 0 (digitalSignature); mbedTLS keeps the ASN.1 bit string.
  std::int64_t key_usage = 0;
  for (int bit = 0; bit < 9; ++bit) {
    const unsigned mask = bit < 8 ? (0x80U >> bit) : 0x8000U;
    if ((c.key_usage & mask) != 0) {
      key_usage |= std::int64_t{1} << bit;
    }
  }
  const bool basic = (c.ext_types & MBEDTLS_X509_EXT_BASIC_CONSTRAINTS) != 0;
  const auto v = [](const char* s) { return Value::string(s); };
  return Value::object({
      {v("Raw"), base64_of(c.raw)},
      {v("RawTBSCertificate"), base64_of(c.tbs)},
      {v("RawSubjectPublicKeyInfo"), base64_of(c.pk_raw)},
      {v("RawSubject"), base64_of(c.subject_raw)},
      {v("RawIssuer"), base64_of(c.issuer_raw)},
      {v("Signature"), base64_of(c.sig)},
      {v("SignatureAlgorithm"), Value::integer(signature_algorithm(c))},
      {v("PublicKeyAlgorithm"), Value::integer(pk_algorithm)},
      {v("PublicKey"), public_key},
      {v("Version"), Value::integer(c.version)},
      {v("SerialNumber"),
       [&] {
         crypto::Owned<mbedtls_mpi, &mbedtls_mpi_init, &mbedtls_mpi_free> serial;
         mbedtls_mpi_read_binary(serial.get(), c.serial.p, c.serial.len);
         return mpi_number(*serial.get());
       }()},
      {v("Issuer"), name_value(&c.issuer)},
      {v("Subject"), name_value(&c.subject)},
      {v("NotBefore"), time_value(c.valid_from)},
      {v("NotAfter"), time_value(c.valid_to)},
      {v("KeyUsage"), Value::integer(key_usage)},
      {v("BasicConstraintsValid"), Value::boolean(basic)},
      {v("IsCA"), Value::boolean(c.ca_istrue != 0)},
      {v("MaxPathLen"), Value::integer(basic && c.max_pathlen > 0 ? c.max_pathlen - 1 : (basic ? -1 : 0))},
      {v("MaxPathLenZero"), Value::boolean(basic && c.max_pathlen == 1)},
      {v("DNSNames"), dns.empty() ? Value::null() : Value::array(std::move(dns))},
  });
}

Array certificates_value(crypto::Certificates& certs)
{
  Array out;
  for (const mbedtls_x509_crt* c = certs.get(); c != nullptr && c->raw.p != nullptr; c = c->next) {
    out.push_back(certificate_value(*c));
  }
  return out;
}

Value parse_certificates(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "crypto.x509.parse_certificates";
  crypto::Certificates certs;
  if (!crypto::load_certificates(str(k_name, a, 0), certs)) {
    error(k_name, "x509: malformed certificate");
  }
  return Value::array(certificates_value(certs));
}

// The first certificate is the root, the last the leaf, any between intermediates (OPA's order).
Value parse_and_verify_certificates(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "crypto.x509.parse_and_verify_certificates";
  const Value invalid = Value::array({Value::boolean(false), Value::array({})});
  crypto::Certificates all;
  if (!crypto::load_certificates(str(k_name, a, 0), all)) {
    return invalid;
  }
  std::vector<const mbedtls_x509_crt*> list;
  for (const mbedtls_x509_crt* c = all.get(); c != nullptr && c->raw.p != nullptr; c = c->next) {
    list.push_back(c);
  }
  if (list.size() < 2) {
    return invalid;
  }
  crypto::Certificates root;
  crypto::Certificates chain; // leaf first, then intermediates
  mbedtls_x509_crt_parse_der(root.get(), list.front()->raw.p, list.front()->raw.len);
  for (std::size_t i = list.size(); i-- > 1;) {
    mbedtls_x509_crt_parse_der(chain.get(), list[i]->raw.p, list[i]->raw.len);
  }
  std::uint32_t flags = 0;
  if (mbedtls_x509_crt_verify(chain.get(), root.get(), nullptr, nullptr, &flags, nullptr, nullptr) != 0) {
    return invalid;
  }
  return Value::array({Value::boolean(true), Value::array(certificates_value(all))});
}

constexpr Builtin k_crypto[] = {
    {"crypto.md5", 1, &hash<MBEDTLS_MD_MD5>},
    {"crypto.sha1", 1, &hash<MBEDTLS_MD_SHA1>},
    {"crypto.sha256", 1, &hash<MBEDTLS_MD_SHA256>},
    {"crypto.hmac.md5", 2, &hmac<MBEDTLS_MD_MD5>},
    {"crypto.hmac.sha1", 2, &hmac<MBEDTLS_MD_SHA1>},
    {"crypto.hmac.sha256", 2, &hmac<MBEDTLS_MD_SHA256>},
    {"crypto.hmac.sha512", 2, &hmac<MBEDTLS_MD_SHA512>},
    {"crypto.hmac.equal", 2, &hmac_equal},
    {"crypto.x509.parse_certificates", 1, &parse_certificates},
    {"crypto.x509.parse_and_verify_certificates", 1, &parse_and_verify_certificates},
};

} // namespace

std::span<const Builtin> builtin::crypto_builtins()
{
  return k_crypto;
}

} // namespace tollgate::rego
