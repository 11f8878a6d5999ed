// io.jwt.* built-ins: decoding, and signature checks for HS*, RS*, PS* and ES* tokens with mbedTLS.
// Keys come as a PEM certificate, a PEM public key, or a JWK / JWK set (RSA and EC keys).

#include "rego/builtins.hpp"
#include "rego/crypto_support.hpp"

#include <fmt/format.h>
#include <mbedtls/ecdsa.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;
using Mpi = crypto::Owned<mbedtls_mpi, &mbedtls_mpi_init, &mbedtls_mpi_free>;

struct Token {
  std::string header_text; // the encoded parts as they were signed
  std::string payload_text;
  Value header;
  std::string signature; // raw bytes
  std::string alg;
  std::string kid;
};

Value json_object(std::string_view name, const std::string& text, std::string_view what)
{
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) {
    error(name, fmt::format("JWT {} had invalid encoding: failed to unmarshal JSON", what));
  }
  if (!parsed.is_object()) {
    error(name, fmt::format("JWT {} must be a JSON object", what));
  }
  return from_json(parsed);
}

Token decode(std::string_view name, const std::string& jwt)
{
  if (jwt.find('.') == std::string::npos) {
    error(name, "encoded JWT had no period separators");
  }
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (true) {
    const std::size_t dot = jwt.find('.', at);
    parts.push_back(jwt.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
    if (dot == std::string::npos) {
      break;
    }
    at = dot + 1;
  }
  if (parts.size() == 5) {
    error(name, "JWT is a JWE object, which is not supported");
  }
  if (parts.size() != 3) {
    error(name, fmt::format("encoded JWT must have 3 sections, found {}", parts.size()));
  }
  Token t;
  t.header_text = parts[0];
  t.payload_text = parts[1];
  const auto header = crypto::base64_decode(parts[0], true);
  if (!header) {
    error(name, "JWT header had invalid encoding: illegal base64 data");
  }
  t.header = json_object(name, *header, "header");
  if (const Value* alg = t.header.find("alg"); alg != nullptr && alg->is_string()) {
    t.alg = alg->as_string();
  }
  if (const Value* kid = t.header.find("kid"); kid != nullptr && kid->is_string()) {
    t.kid = kid->as_string();
  }
  const auto signature = crypto::base64_decode(parts[2], true);
  if (!signature) {
    error(name, "JWT signature had invalid encoding: illegal base64 data");
  }
  t.signature = *signature;
  return t;
}

Value payload_of(std::string_view name, const Token& t)
{
  const auto payload = crypto::base64_decode(t.payload_text, true);
  if (!payload) {
    error(name, "JWT payload had invalid encoding: illegal base64 data");
  }
  return json_object(name, *payload, "payload");
}

std::string hex(const std::string& bytes)
{
  std::string out;
  for (const char c : bytes) {
    out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  }
  return out;
}

Value jwt_decode(std::span<const Value> a, BuiltinContext&)
{
  const Token t = decode("io.jwt.decode", str("io.jwt.decode", a, 0));
  return Value::array({t.header, payload_of("io.jwt.decode", t), Value::string(hex(t.signature))});
}

struct Key {
  std::shared_ptr<crypto::PublicKey> pk;
  std::string alg;
  std::string kid;
};

const unsigned char* bytes(const std::string& s)
{
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::optional<Key> jwk_key(std::string_view name, const nlohmann::json& jwk)
{
  const auto text = [&](const char* field) {
    return jwk.contains(field) && jwk[field].is_string() ? jwk[field].get<std::string>() : std::string();
  };
  const auto number = [&](const char* field) {
    auto decoded = crypto::base64_decode(text(field), true);
    if (!decoded || decoded->empty()) {
      error(name, fmt::format("failed to parse a JWK key (set): invalid \"{}\"", field));
    }
    return *decoded;
  };
  Key key{std::make_shared<crypto::PublicKey>(), text("alg"), text("kid")};
  mbedtls_pk_context* pk = key.pk->get();
  const std::string kty = text("kty");
  if (kty == "RSA") {
    const std::string n = number("n");
    const std::string e = number("e");
    if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0 ||
        mbedtls_rsa_import_raw(mbedtls_pk_rsa(*pk), bytes(n), n.size(), nullptr, 0, nullptr, 0, nullptr, 0, bytes(e),
                               e.size()) != 0 ||
        mbedtls_rsa_complete(mbedtls_pk_rsa(*pk)) != 0) {
      error(name, "failed to parse a JWK key (set): invalid RSA key");
    }
    return key;
  }
  if (kty == "EC") {
    const std::string crv = text("crv");
    const mbedtls_ecp_group_id group = crv == "P-256"   ? MBEDTLS_ECP_DP_SECP256R1
                                       : crv == "P-384" ? MBEDTLS_ECP_DP_SECP384R1
                                       : crv == "P-521" ? MBEDTLS_ECP_DP_SECP521R1
                                                        : MBEDTLS_ECP_DP_NONE;
    const std::string point = std::string(1, '\x04') + number("x") + number("y");
    if (group == MBEDTLS_ECP_DP_NONE || mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0 ||
        mbedtls_ecp_group_load(&mbedtls_pk_ec(*pk)->grp, group) != 0 ||
        mbedtls_ecp_point_read_binary(&mbedtls_pk_ec(*pk)->grp, &mbedtls_pk_ec(*pk)->Q, bytes(point), point.size()) !=
            0) {
      error(name, "failed to parse a JWK key (set): invalid EC key");
    }
    return key;
  }
  return std::nullopt; // other key types cannot verify the algorithms supported here
}

// OPA's getKeysFromCertOrJWK.
std::vector<Key> keys_of(std::string_view name, const std::string& text)
{
  std::vector<Key> keys;
  if (text.find("-----BEGIN") != std::string::npos) {
    Key key{std::make_shared<crypto::PublicKey>(), "", ""};
    if (text.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
      crypto::Certificates cert;
      if (!crypto::load_certificates(text, cert)) {
        error(name, "failed to parse a PEM certificate");
      }
      // Re-read the certificate's key so that the key outlives the certificate.
      unsigned char der[4096];
      const int length = mbedtls_pk_write_pubkey_der(&cert->pk, der, sizeof der);
      if (length <= 0 || mbedtls_pk_parse_public_key(key.pk->get(), der + sizeof der - length,
                                                     static_cast<std::size_t>(length)) != 0) {
        error(name, "failed to extract a Key from the PEM certificate");
      }
    } else {
      const std::string pem = text + '\0';
      if (mbedtls_pk_parse_public_key(key.pk->get(), bytes(pem), pem.size()) != 0) {
        error(name, "failed to extract a Key from the PEM certificate");
      }
    }
    keys.push_back(std::move(key));
    return keys;
  }
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    error(name, "failed to parse a JWK key (set): invalid JSON");
  }
  if (parsed.contains("keys") && parsed["keys"].is_array()) {
    for (const auto& jwk : parsed["keys"]) {
      if (auto key = jwk_key(name, jwk)) {
        keys.push_back(std::move(*key));
      }
    }
  } else if (auto key = jwk_key(name, parsed)) {
    keys.push_back(std::move(*key));
  }
  return keys;
}

mbedtls_md_type_t md_of(const std::string& alg)
{
  const std::string bits = alg.size() > 2 ? alg.substr(2) : "";
  return bits == "256"   ? MBEDTLS_MD_SHA256
         : bits == "384" ? MBEDTLS_MD_SHA384
         : bits == "512" ? MBEDTLS_MD_SHA512
                         : MBEDTLS_MD_NONE;
}

bool verify_with_key(const Token& t, const std::string& alg, Key& key)
{
  const mbedtls_md_type_t md = md_of(alg);
  if (md == MBEDTLS_MD_NONE) {
    return false;
  }
  const std::string hash = crypto::digest(md, t.header_text + "." + t.payload_text);
  mbedtls_pk_context* pk = key.pk->get();
  const std::string family = alg.substr(0, 2);
  if (family == "RS" && mbedtls_pk_can_do(pk, MBEDTLS_PK_RSA) != 0) {
    return mbedtls_pk_verify(pk, md, bytes(hash), hash.size(), bytes(t.signature), t.signature.size()) == 0;
  }
  if (family == "PS" && mbedtls_pk_can_do(pk, MBEDTLS_PK_RSA) != 0) {
    const mbedtls_pk_rsassa_pss_options options{md, MBEDTLS_RSA_SALT_LEN_ANY};
    return mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &options, pk, md, bytes(hash), hash.size(), bytes(t.signature),
                                 t.signature.size()) == 0;
  }
  if (family == "ES" && mbedtls_pk_can_do(pk, MBEDTLS_PK_ECDSA) != 0) {
    mbedtls_ecp_keypair* ec = mbedtls_pk_ec(*pk);
    const std::size_t half = t.signature.size() / 2;
    if (half == 0 || t.signature.size() % 2 != 0 || half != (ec->grp.pbits + 7) / 8) {
      return false;
    }
    Mpi r;
    Mpi s;
    mbedtls_mpi_read_binary(r.get(), bytes(t.signature), half);
    mbedtls_mpi_read_binary(s.get(), bytes(t.signature) + half, half);
    return mbedtls_ecdsa_verify(&ec->grp, bytes(hash), hash.size(), &ec->Q, r.get(), s.get()) == 0;
  }
  return false;
}

bool verify_hmac(const Token& t, const std::string& alg, const std::string& secret)
{
  const mbedtls_md_type_t md = md_of(alg);
  if (!alg.starts_with("HS") || md == MBEDTLS_MD_NONE) {
    return false;
  }
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md);
  const std::string signed_text = t.header_text + "." + t.payload_text;
  std::string mac(mbedtls_md_get_size(info), '\0');
  mbedtls_md_hmac(info, bytes(secret), secret.size(), bytes(signed_text), signed_text.size(),
                  reinterpret_cast<unsigned char*>(mac.data()));
  unsigned char diff = mac.size() == t.signature.size() ? 0 : 1;
  for (std::size_t i = 0; i < std::min(mac.size(), t.signature.size()); ++i) {
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(mac[i] ^ t.signature[i])));
  }
  return diff == 0;
}

bool verify_keys(const Token& t, const std::string& alg, std::vector<Key>& keys)
{
  for (Key& key : keys) {
    if ((!key.alg.empty() && key.alg != alg) || (!t.kid.empty() && !key.kid.empty() && key.kid != t.kid)) {
      continue;
    }
    if (verify_with_key(t, alg, key)) {
      return true;
    }
  }
  return false;
}

// io.jwt.verify_<alg>(jwt, certificate or secret).
template <const char* Alg> Value verify(std::span<const Value> a, BuiltinContext&)
{
  const std::string alg = Alg;
  std::string name = "io.jwt.verify_" + alg;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const Token t = decode(name, str(name, a, 0));
  const std::string& key = str(name, a, 1);
  if (alg.starts_with("HS")) {
    return Value::boolean(verify_hmac(t, alg, key));
  }
  std::vector<Key> keys = keys_of(name, key);
  return Value::boolean(verify_keys(t, alg, keys));
}

Value decode_verify(std::span<const Value> a, BuiltinContext& context)
{
  constexpr std::string_view k_name = "io.jwt.decode_verify";
  const std::string& jwt = str(k_name, a, 0);
  if (!a[1].is_object()) {
    builtin::type_error(k_name, 2, "object", a[1]);
  }
  std::optional<std::string> cert;
  std::optional<std::string> secret;
  std::string alg;
  std::string iss;
  std::string aud;
  double now = static_cast<double>(context.now_ns);
  for (const auto& [k, v] : a[1].as_object()) {
    const std::string key = k.is_string() ? k.as_string() : to_text(k);
    if (key == "time") {
      if (!v.is_number()) {
        error(k_name, "token time constraint: must be a number");
      }
      now = v.as_double();
      continue;
    }
    if (key != "cert" && key != "secret" && key != "alg" && key != "iss" && key != "aud") {
      error(k_name, "unknown token validation constraint: " + key);
    }
    if (!v.is_string()) {
      error(k_name, fmt::format("token {} constraint: must be a string", key));
    }
    if (key == "cert") {
      cert = v.as_string();
    } else if (key == "secret") {
      secret = v.as_string();
    } else {
      (key == "alg" ? alg : (key == "iss" ? iss : aud)) = v.as_string();
    }
  }
  if (cert && secret) {
    error(k_name, "duplicate key constraints");
  }
  if (!cert && !secret) {
    error(k_name, "no key constraint");
  }
  const Value unverified = Value::array({Value::boolean(false), Value::object({}), Value::object({})});
  const Token t = decode(k_name, jwt);
  if (!alg.empty() && alg != t.alg) {
    return unverified;
  }
  std::vector<Key> keys;
  if (cert) {
    keys = keys_of(k_name, *cert);
  }
  if (!(secret ? verify_hmac(t, t.alg, *secret) : verify_keys(t, t.alg, keys))) {
    return unverified;
  }
  const Value payload = payload_of(k_name, t);
  const double seconds = now / 1e9;
  if (const Value* exp = payload.find("exp")) {
    if (!exp->is_number()) {
      error(k_name, "exp value must be a number");
    }
    if (seconds >= exp->as_double()) {
      return unverified;
    }
  }
  if (const Value* nbf = payload.find("nbf")) {
    if (!nbf->is_number()) {
      error(k_name, "nbf value must be a number");
    }
    if (seconds < nbf->as_double()) {
      return unverified;
    }
  }
  const Value* token_aud = payload.find("aud");
  bool audience_ok = token_aud == nullptr ? aud.empty() : false;
  if (token_aud != nullptr && !aud.empty()) {
    if (token_aud->is_string()) {
      audience_ok = token_aud->as_string() == aud;
    } else if (token_aud->is_array()) {
      const Array& items = token_aud->as_array();
      audience_ok = std::find(items.begin(), items.end(), Value::string(aud)) != items.end();
    }
  }
  if (!audience_ok) {
    return unverified;
  }
  if (!iss.empty()) {
    const Value* token_iss = payload.find("iss");
    if (token_iss == nullptr || !token_iss->is_string() || token_iss->as_string() != iss) {
      return unverified;
    }
  }
  return Value::array({Value::boolean(true), t.header, payload});
}

constexpr char k_hs256[] = "HS256";
constexpr char k_hs384[] = "HS384";
constexpr char k_hs512[] = "HS512";
constexpr char k_rs256[] = "RS256";
constexpr char k_rs384[] = "RS384";
constexpr char k_rs512[] = "RS512";
constexpr char k_ps256[] = "PS256";
constexpr char k_ps384[] = "PS384";
constexpr char k_ps512[] = "PS512";
constexpr char k_es256[] = "ES256";
constexpr char k_es384[] = "ES384";
constexpr char k_es512[] = "ES512";

constexpr Builtin k_jwt[] = {
    {"io.jwt.decode", 1, &jwt_decode},
    {"io.jwt.decode_verify", 2, &decode_verify},
    {"io.jwt.verify_hs256", 2, &verify<k_hs256>},
    {"io.jwt.verify_hs384", 2, &verify<k_hs384>},
    {"io.jwt.verify_hs512", 2, &verify<k_hs512>},
    {"io.jwt.verify_rs256", 2, &verify<k_rs256>},
    {"io.jwt.verify_rs384", 2, &verify<k_rs384>},
    {"io.jwt.verify_rs512", 2, &verify<k_rs512>},
    {"io.jwt.verify_ps256", 2, &verify<k_ps256>},
    {"io.jwt.verify_ps384", 2, &verify<k_ps384>},
    {"io.jwt.verify_ps512", 2, &verify<k_ps512>},
    {"io.jwt.verify_es256", 2, &verify<k_es256>},
    {"io.jwt.verify_es384", 2, &verify<k_es384>},
    {"io.jwt.verify_es512", 2, &verify<k_es512>},
};

} // namespace

std::span<const Builtin> builtin::jwt_builtins()
{
  return k_jwt;
}

} // namespace tollgate::rego
