// crypto.* and io.jwt.* built-ins. Keys and certificates are generated here with mbedTLS, so the
// signature checks run against real RSA and ECDSA signatures.

#include "rego/crypto_support.hpp"
#include "rego/support.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>

#include <nlohmann/json.hpp>

using tollgate::test::json_of;
using tollgate::test::rego_value;
using tollgate::test::run_rego;
namespace crypto = tollgate::rego::crypto;

namespace {

class Random {
public:
  Random()
  {
    mbedtls_entropy_init(&m_entropy);
    mbedtls_ctr_drbg_init(&m_drbg);
    REQUIRE(mbedtls_ctr_drbg_seed(&m_drbg, mbedtls_entropy_func, &m_entropy, nullptr, 0) == 0);
  }
  ~Random()
  {
    mbedtls_ctr_drbg_free(&m_drbg);
    mbedtls_entropy_free(&m_entropy);
  }
  Random(const Random&) = delete;
  Random& operator=(const Random&) = delete;
  mbedtls_ctr_drbg_context* drbg() { return &m_drbg; }

private:
  mbedtls_entropy_context m_entropy;
  mbedtls_ctr_drbg_context m_drbg;
};

std::string b64url(const std::string& bytes)
{
  std::string s = crypto::base64_encode(bytes);
  for (char& c : s) {
    c = c == '+' ? '-' : (c == '/' ? '_' : c);
  }
  while (!s.empty() && s.back() == '=') {
    s.pop_back();
  }
  return s;
}

std::string mpi_bytes(const mbedtls_mpi& m, std::size_t size = 0)
{
  std::string out(size == 0 ? mbedtls_mpi_size(&m) : size, '\0');
  REQUIRE(mbedtls_mpi_write_binary(&m, reinterpret_cast<unsigned char*>(out.data()), out.size()) == 0);
  return out;
}

std::string public_pem(mbedtls_pk_context* pk)
{
  unsigned char buffer[4096] = {};
  REQUIRE(mbedtls_pk_write_pubkey_pem(pk, buffer, sizeof buffer) == 0);
  return reinterpret_cast<const char*>(buffer);
}

// A JWT with `payload`, signed by `sign(signing input) -> signature bytes`.
template <class Sign> std::string make_jwt(const std::string& alg, const std::string& payload, Sign sign)
{
  const std::string input = b64url(R"({"alg":")" + alg + R"(","typ":"JWT"})") + "." + b64url(payload);
  return input + "." + b64url(sign(input));
}

std::string rego_string(const std::string& s)
{
  return nlohmann::json(s).dump();
}

} // namespace

TEST_CASE("crypto digests and HMACs", "[rego][builtins][crypto]")
{
  CHECK(json_of(rego_value(R"(crypto.sha256("hello"))")) ==
        R"("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")");
  CHECK(json_of(rego_value(R"(crypto.sha1("hello"))")) == R"("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")");
  CHECK(json_of(rego_value(R"(crypto.md5("hello"))")) == R"("5d41402abc4b2a76b9719d911017c592")");
  const std::string fox = R"("The quick brown fox jumps over the lazy dog", "key")";
  CHECK(json_of(rego_value("crypto.hmac.sha256(" + fox + ")")) ==
        R"("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")");
  CHECK(json_of(rego_value("crypto.hmac.sha1(" + fox + ")")) == R"("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9")");
  CHECK(json_of(rego_value("crypto.hmac.md5(" + fox + ")")) == R"("80070713463e7749b90c2dc24911e275")");
  CHECK(rego_value(R"(crypto.hmac.equal("abc", "abc"))").is_true());
  CHECK(rego_value(R"(crypto.hmac.equal("abc", "abd"))").is_false());
  CHECK(run_rego({}, "x := crypto.sha256(1)", "", true).rows.error().message ==
        "crypto.sha256: operand 1 must be string but got number");
}

TEST_CASE("io.jwt.decode and HS256 verification", "[rego][builtins][jwt]")
{
  const std::string token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
                            "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  const auto decoded = rego_value("io.jwt.decode(" + rego_string(token) + ")");
  REQUIRE(decoded.is_array());
  CHECK(json_of(decoded.as_array()[0]) == R"({"alg":"HS256","typ":"JWT"})");
  CHECK(json_of(decoded.as_array()[1]) == R"({"iat":1516239022,"name":"John Doe","sub":"1234567890"})");
  CHECK(json_of(decoded.as_array()[2]) == R"("49f94ac7044948c78a285d904f87f0a4c7897f7e8f3a4eb2255fda750b2cc397")");
  CHECK(rego_value("io.jwt.verify_hs256(" + rego_string(token) + R"(, "your-256-bit-secret"))").is_true());
  CHECK(rego_value("io.jwt.verify_hs256(" + rego_string(token) + R"(, "wrong"))").is_false());
  CHECK(json_of(rego_value("io.jwt.decode_verify(" + rego_string(token) + R"(, {"secret": "your-256-bit-secret"}))"))
            .starts_with(R"([true,{"alg":"HS256","typ":"JWT"},{"iat":1516239022)"));
  CHECK(json_of(rego_value("io.jwt.decode_verify(" + rego_string(token) + R"(, {"secret": "x"}))")) == "[false,{},{}]");
  CHECK(json_of(rego_value("io.jwt.decode_verify(" + rego_string(token) +
                           R"(, {"secret": "your-256-bit-secret", "alg": "RS256"}))")) == "[false,{},{}]");
  const auto junk = run_rego({}, R"(x := io.jwt.decode("abc"))", "", true);
  CHECK(junk.rows.error().message == "io.jwt.decode: encoded JWT had no period separators");
  const auto constraint =
      run_rego({}, "x := io.jwt.decode_verify(" + rego_string(token) + R"(, {"colour": "x"}))", "", true);
  CHECK(constraint.rows.error().message == "io.jwt.decode_verify: unknown token validation constraint: colour");
}

TEST_CASE("RS256, PS256 and ES256 tokens verify against PEM keys and JWKs", "[rego][builtins][jwt]")
{
  Random random;
  crypto::PublicKey rsa;
  REQUIRE(mbedtls_pk_setup(rsa.get(), mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) == 0);
  REQUIRE(mbedtls_rsa_gen_key(mbedtls_pk_rsa(*rsa.get()), mbedtls_ctr_drbg_random, random.drbg(), 2048, 65537) == 0);
  const auto rsa_sign = [&](const std::string& input) {
    const std::string hash = crypto::digest(MBEDTLS_MD_SHA256, input);
    unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    std::size_t length = 0;
    REQUIRE(mbedtls_pk_sign(rsa.get(), MBEDTLS_MD_SHA256, reinterpret_cast<const unsigned char*>(hash.data()), 32, sig,
                            &length, mbedtls_ctr_drbg_random, random.drbg()) == 0);
    return std::string(reinterpret_cast<const char*>(sig), length);
  };
  const std::string payload = R"({"iss":"ci","aud":["gate"],"exp":4102444800,"nbf":1000})";
  const std::string rs_token = make_jwt("RS256", payload, rsa_sign);
  const std::string pem = rego_string(public_pem(rsa.get()));
  CHECK(rego_value("io.jwt.verify_rs256(" + rego_string(rs_token) + ", " + pem + ")").is_true());
  CHECK(rego_value("io.jwt.verify_es256(" + rego_string(rs_token) + ", " + pem + ")").is_false());
  const std::string jwk = nlohmann::json{{"kty", "RSA"},
                                         {"n", b64url(mpi_bytes(mbedtls_pk_rsa(*rsa.get())->N))},
                                         {"e", b64url(mpi_bytes(mbedtls_pk_rsa(*rsa.get())->E))}}
                              .dump();
  const std::string jwks = nlohmann::json{{"keys", nlohmann::json::array({nlohmann::json::parse(jwk)})}}.dump();
  const std::string verify = "io.jwt.decode_verify(" + rego_string(rs_token) + ", {\"cert\": " + rego_string(jwks);
  CHECK(rego_value(verify + R"(, "iss": "ci", "aud": "gate"}))").as_array()[0].is_true());
  CHECK(rego_value(verify + R"(, "iss": "other", "aud": "gate"}))").as_array()[0].is_false());
  CHECK(rego_value(verify + R"(, "iss": "ci"}))").as_array()[0].is_false()); // token has aud, constraint none
  CHECK(rego_value(verify + R"(, "aud": "gate", "time": 4102444800000000000}))").as_array()[0].is_false()); // expired
  CHECK(rego_value(verify + R"(, "aud": "gate", "time": 999000000000}))").as_array()[0].is_false());        // not yet

  // PS256 with the same key.
  const std::string ps_token = make_jwt("PS256", payload, [&](const std::string& input) {
    const std::string hash = crypto::digest(MBEDTLS_MD_SHA256, input);
    mbedtls_rsa_context* ctx = mbedtls_pk_rsa(*rsa.get());
    mbedtls_rsa_set_padding(ctx, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
    std::string sig(mbedtls_rsa_get_len(ctx), '\0');
    REQUIRE(mbedtls_rsa_rsassa_pss_sign(ctx, mbedtls_ctr_drbg_random, random.drbg(), MBEDTLS_RSA_PRIVATE,
                                        MBEDTLS_MD_SHA256, 32, reinterpret_cast<const unsigned char*>(hash.data()),
                                        reinterpret_cast<unsigned char*>(sig.data())) == 0);
    mbedtls_rsa_set_padding(ctx, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
    return sig;
  });
  CHECK(rego_value("io.jwt.verify_ps256(" + rego_string(ps_token) + ", " + pem + ")").is_true());
  CHECK(rego_value("io.jwt.verify_rs256(" + rego_string(ps_token) + ", " + pem + ")").is_false());

  // ES256: a P-256 key; the signature is r || s.
  crypto::PublicKey ec;
  REQUIRE(mbedtls_pk_setup(ec.get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) == 0);
  REQUIRE(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*ec.get()), mbedtls_ctr_drbg_random,
                              random.drbg()) == 0);
  const std::string es_token = make_jwt("ES256", payload, [&](const std::string& input) {
    const std::string hash = crypto::digest(MBEDTLS_MD_SHA256, input);
    mbedtls_ecp_keypair* key = mbedtls_pk_ec(*ec.get());
    crypto::Owned<mbedtls_mpi, &mbedtls_mpi_init, &mbedtls_mpi_free> r;
    crypto::Owned<mbedtls_mpi, &mbedtls_mpi_init, &mbedtls_mpi_free> s;
    REQUIRE(mbedtls_ecdsa_sign(&key->grp, r.get(), s.get(), &key->d,
                               reinterpret_cast<const unsigned char*>(hash.data()), 32, mbedtls_ctr_drbg_random,
                               random.drbg()) == 0);
    return mpi_bytes(*r.get(), 32) + mpi_bytes(*s.get(), 32);
  });
  CHECK(rego_value("io.jwt.verify_es256(" + rego_string(es_token) + ", " + rego_string(public_pem(ec.get())) + ")")
            .is_true());
  const mbedtls_ecp_keypair* key = mbedtls_pk_ec(*ec.get());
  const std::string ec_jwk = nlohmann::json{{"kty", "EC"},
                                            {"crv", "P-256"},
                                            {"x", b64url(mpi_bytes(key->Q.X, 32))},
                                            {"y", b64url(mpi_bytes(key->Q.Y, 32))}}
                                 .dump();
  CHECK(rego_value("io.jwt.verify_es256(" + rego_string(es_token) + ", " + rego_string(ec_jwk) + ")").is_true());
  CHECK(rego_value("io.jwt.verify_es256(" + rego_string(rs_token) + ", " + rego_string(ec_jwk) + ")").is_false());
}

TEST_CASE("crypto.x509.parse_certificates and parse_and_verify_certificates", "[rego][builtins][crypto]")
{
  Random random;
  const auto make_key = [&](crypto::PublicKey& key) {
    REQUIRE(mbedtls_pk_setup(key.get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) == 0);
    REQUIRE(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key.get()), mbedtls_ctr_drbg_random,
                                random.drbg()) == 0);
  };
  crypto::PublicKey root_key;
  crypto::PublicKey leaf_key;
  make_key(root_key);
  make_key(leaf_key);
  const auto issue = [&](crypto::PublicKey& subject, const char* subject_name, crypto::PublicKey& issuer,
                         const char* issuer_name, bool ca, const char* serial) {
    mbedtls_x509write_cert crt;
    mbedtls_x509write_crt_init(&crt);
    crypto::Owned<mbedtls_mpi, &mbedtls_mpi_init, &mbedtls_mpi_free> number;
    mbedtls_mpi_read_string(number.get(), 10, serial);
    mbedtls_x509write_crt_set_subject_key(&crt, subject.get());
    mbedtls_x509write_crt_set_issuer_key(&crt, issuer.get());
    REQUIRE(mbedtls_x509write_crt_set_subject_name(&crt, subject_name) == 0);
    REQUIRE(mbedtls_x509write_crt_set_issuer_name(&crt, issuer_name) == 0);
    mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_serial(&crt, number.get());
    REQUIRE(mbedtls_x509write_crt_set_validity(&crt, "20200101000000", "20991231235959") == 0);
    REQUIRE(mbedtls_x509write_crt_set_basic_constraints(&crt, ca ? 1 : 0, -1) == 0);
    unsigned char pem[4096] = {};
    REQUIRE(mbedtls_x509write_crt_pem(&crt, pem, sizeof pem, mbedtls_ctr_drbg_random, random.drbg()) == 0);
    mbedtls_x509write_crt_free(&crt);
    return std::string(reinterpret_cast<const char*>(pem));
  };
  const std::string root =
      issue(root_key, "CN=Test Root,O=Tollgate,C=GB", root_key, "CN=Test Root,O=Tollgate,C=GB", true, "1");
  const std::string leaf = issue(leaf_key, "CN=gate.example,O=Tollgate", root_key, "CN=Test Root,O=Tollgate,C=GB",
                                 false, "12345678901234567890");
  const auto certs = rego_value("crypto.x509.parse_certificates(" + rego_string(root + leaf) + ")");
  REQUIRE(certs.is_array());
  REQUIRE(certs.as_array().size() == 2);
  const auto& first = certs.as_array()[0];
  CHECK(json_of(first.find("Subject")->find("CommonName") ? *first.find("Subject")->find("CommonName")
                                                          : tollgate::rego::Value()) == R"("Test Root")");
  CHECK(json_of(*first.find("Subject")->find("Country")) == R"(["GB"])");
  CHECK(first.find("IsCA")->is_true());
  CHECK(json_of(*first.find("NotAfter")) == R"("2099-12-31T23:59:59Z")");
  const auto& second = certs.as_array()[1];
  CHECK(tollgate::rego::number_text(*second.find("SerialNumber")) == "12345678901234567890");
  CHECK(json_of(*second.find("Issuer")->find("Organization")) == R"(["Tollgate"])");
  CHECK(second.find("IsCA")->is_false());
  // Base64 of the DER works too.
  const std::string der_b64 = second.find("Raw")->as_string();
  CHECK(rego_value("crypto.x509.parse_certificates(" + rego_string(der_b64) + ")").as_array().size() == 1);

  CHECK(rego_value("crypto.x509.parse_and_verify_certificates(" + rego_string(root + leaf) + ")")
            .as_array()[0]
            .is_true());
  // A leaf whose issuer is not the given root does not verify.
  crypto::PublicKey other_key;
  make_key(other_key);
  const std::string other = issue(other_key, "CN=Other Root", other_key, "CN=Other Root", true, "2");
  CHECK(json_of(rego_value("crypto.x509.parse_and_verify_certificates(" + rego_string(other + leaf) + ")")) ==
        "[false,[]]");
  CHECK(run_rego({}, R"(x := crypto.x509.parse_certificates("bm90IGEgY2VydA=="))", "", true).error_code() ==
        "eval_builtin_error");
}
