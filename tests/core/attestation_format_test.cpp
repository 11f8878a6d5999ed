// The bytes of a check attestation (docs/attestations.md): DSSE's PAE, the envelope, the in-toto
// statement, the definition digest and the refs, each read back and each refusing what is not one.

#include "core/config/config.hpp"
#include "core/trust/attestation_format.hpp"
#include "util/base64.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tollgate;

namespace {

const std::string k_commit = "1111111111111111111111111111111111111111";
const std::string k_tree = "2222222222222222222222222222222222222222";
const std::string k_key = "0123456789ABCDEF0123456789ABCDEF01234567";

core::CheckStatement sample()
{
  core::CheckStatement statement;
  statement.commit = *git::Oid::parse(k_commit);
  statement.tree = *git::Oid::parse(k_tree);
  statement.repository = "example.com/demo";
  statement.check_id = "pytest";
  statement.kind = "pytest";
  statement.definition = "sha256:abc";
  statement.status = "pass";
  statement.summary = "3 passed in 0.1s";
  statement.seconds = 1.5;
  statement.details = {{"passed", 3}};
  statement.tools = {{"tollgate", "0.1.0"}};
  statement.sandbox = "confine=on backend=namespaces cpu=600s mem=4096MiB net=none procs=512";
  statement.finished = 1700000000;
  return statement;
}

core::CheckSpec spec_of(const std::string& yaml)
{
  auto config = core::parse_config("checks:\n  - " + yaml + "\n", "tollgate.yaml");
  REQUIRE(config);
  return config->checks.front();
}

} // namespace

TEST_CASE("DSSE's pre-authentication encoding", "[attestations]")
{
  // The example of the DSSE protocol document.
  CHECK(core::pae("http://example.com/HelloWorld", "hello world") ==
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  CHECK(core::pae("", "") == "DSSEv1 0  0 ");
  CHECK(core::pae("t", "é") == "DSSEv1 1 t 2 é"); // lengths in bytes
}

TEST_CASE("base64 round trips and refuses what is not base64", "[attestations]")
{
  for (const std::string& bytes :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", std::string("\0\xff\x10", 3)}) {
    CHECK(util::base64_decode(util::base64_encode(bytes)) == bytes);
  }
  CHECK(util::base64_encode("foobar") == "Zm9vYmFy");
  CHECK_FALSE(util::base64_decode("Zm9v!"));
  CHECK_FALSE(util::base64_decode("Zm9v=x"));
}

TEST_CASE("An in-toto statement of a check result reads back", "[attestations]")
{
  const core::CheckStatement statement = sample();
  const std::string text = core::format_statement(statement);
  const auto json = nlohmann::json::parse(text);
  CHECK(json["_type"] == "https://in-toto.io/Statement/v1");
  CHECK(json["predicateType"] == "https://tollgate.dev/check-result/v1");
  CHECK(json["subject"][0]["digest"]["gitCommit"] == k_commit);
  CHECK(json["subject"][1]["digest"]["gitTree"] == k_tree);
  CHECK_FALSE(json["predicate"].contains("shard"));
  auto parsed = core::parse_statement(text);
  REQUIRE(parsed);
  CHECK(parsed->commit.hex() == k_commit);
  CHECK(parsed->tree.hex() == k_tree);
  CHECK(parsed->check_id == "pytest");
  CHECK(parsed->definition == "sha256:abc");
  CHECK(parsed->status == "pass");
  CHECK(parsed->seconds == 1.5);
  CHECK(parsed->details["passed"] == 3);
  CHECK(parsed->shard.whole());

  core::CheckStatement sharded = statement;
  sharded.shard = *core::parse_shard("2/3");
  auto shard = core::parse_statement(core::format_statement(sharded));
  REQUIRE(shard);
  CHECK(shard->shard == sharded.shard);

  const auto broken = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto document = nlohmann::json::parse(text);
    edit(document);
    auto result = core::parse_statement(document.dump());
    return result ? std::string() : result.error().message;
  };
  CHECK_THAT(broken([](auto& d) { d["_type"] = "https://in-toto.io/Statement/v0.1"; }),
             Catch::Contains("not an in-toto Statement v1"));
  CHECK_THAT(broken([](auto& d) { d["predicateType"] = "https://slsa.dev/provenance/v1"; }),
             Catch::Contains("predicateType"));
  CHECK_THAT(broken([](auto& d) { d["subject"].erase(1); }), Catch::Contains("gitTree"));
  CHECK_THAT(broken([](auto& d) { d["predicate"]["check"].erase("definition"); }), Catch::Contains("definition"));
  CHECK_THAT(broken([](auto& d) { d["predicate"]["result"]["status"] = 1; }), Catch::Contains("status"));
  CHECK_THAT(broken([](auto& d) {
               d["predicate"]["shard"] = {{"index", 3}, {"count", 2}};
             }),
             Catch::Contains("not a shard"));
  CHECK_FALSE(core::parse_statement("[1]"));
  CHECK_FALSE(core::parse_statement("{"));
}

TEST_CASE("A DSSE envelope reads back and refuses what is not one", "[attestations]")
{
  core::Envelope envelope{std::string(core::k_in_toto_payload_type), "{\"a\":1}", {{k_key, "signature bytes"}}};
  const std::string text = core::format_envelope(envelope);
  const auto json = nlohmann::json::parse(text);
  CHECK(json["payload"] == util::base64_encode("{\"a\":1}"));
  CHECK(json["signatures"][0]["keyid"] == k_key);
  auto parsed = core::parse_envelope(text);
  REQUIRE(parsed);
  CHECK(parsed->payload == "{\"a\":1}");
  CHECK(parsed->payload_type == core::k_in_toto_payload_type);
  REQUIRE(parsed->signatures.size() == 1);
  CHECK(parsed->signatures[0].sig == "signature bytes");

  CHECK_FALSE(core::parse_envelope("garbage"));
  CHECK_FALSE(core::parse_envelope(R"({"payloadType":"x","payload":"e30=","signatures":[]})"));
  CHECK_FALSE(core::parse_envelope(R"({"payloadType":"x","payload":"!!","signatures":[{"sig":"e30="}]})"));
  CHECK_FALSE(core::parse_envelope(R"({"payloadType":"x","payload":"e30=","signatures":[{"sig":7}]})"));
  CHECK_FALSE(core::parse_envelope(R"({"payload":"e30=","signatures":[{"sig":"e30="}]})"));
}

TEST_CASE("A check's definition digest follows what it does, not how it is written", "[attestations]")
{
  const proc::Limits limits;
  const std::string digest = core::definition_digest(spec_of("pytest: {args: [-q], timeout: 60}"), limits);
  CHECK(digest.starts_with("sha256:"));
  CHECK(core::definition_digest(spec_of("pytest:\n      args:\n        - -q\n      timeout: 60"), limits) == digest);
  CHECK(core::definition_digest(spec_of("pytest: {args: [-x], timeout: 60}"), limits) != digest);
  CHECK(core::definition_digest(spec_of("pytest: {args: [-q], timeout: 61}"), limits) != digest);
  CHECK(core::definition_digest(spec_of("pytest: {id: tests, args: [-q], timeout: 60}"), limits) != digest);
  proc::Limits other = limits;
  other.network = proc::Network::none;
  CHECK(core::definition_digest(spec_of("pytest: {args: [-q], timeout: 60}"), other) != digest);
  other = limits;
  other.cpu_sec = 30;
  CHECK(core::definition_digest(spec_of("pytest: {args: [-q], timeout: 60}"), other) != digest);
}

TEST_CASE("Attestation refs name tree, check, shard and key", "[attestations]")
{
  const git::Oid tree = *git::Oid::parse(k_tree);
  const std::string whole = core::attestation_ref(tree, "pytest", {}, k_key);
  CHECK(whole == "refs/tollgate/attestations/" + k_tree + "/pytest/" + k_key);
  const std::string sharded = core::attestation_ref(tree, "pytest", *core::parse_shard("2/4"), k_key);
  CHECK(sharded == "refs/tollgate/attestations/" + k_tree + "/pytest/shard-2-of-4/" + k_key);
  auto parsed = core::parse_attestation_ref(sharded);
  REQUIRE(parsed);
  CHECK(parsed->tree == k_tree);
  CHECK(parsed->check_id == "pytest");
  CHECK(parsed->shard.str() == "2/4");
  CHECK(parsed->fingerprint == k_key);
  CHECK(core::parse_attestation_ref(whole)->shard.whole());
  CHECK_FALSE(core::parse_attestation_ref("refs/tollgate/attestations/" + k_tree + "/" + k_key));
  CHECK_FALSE(core::parse_attestation_ref("refs/tollgate/attestations/" + k_tree + "/pytest/shard-3-of-2/" + k_key));
  CHECK_FALSE(core::parse_attestation_ref("refs/tollgate/attestations/" + k_tree + "/pytest/shard-02-of-4/" + k_key));
  CHECK_FALSE(core::parse_attestation_ref("refs/tollgate/attestations/abc/pytest/" + k_key));
  CHECK(core::attestable_id("pre-commit"));
  CHECK_FALSE(core::attestable_id("a/b"));
  CHECK_FALSE(core::attestable_id(".hidden"));
  CHECK_FALSE(core::attestable_id("x.lock"));
}

TEST_CASE("Shards are I/N with 1 <= I <= N", "[attestations]")
{
  CHECK(core::parse_shard("1/2")->str() == "1/2");
  CHECK(core::parse_shard("1/1")->whole());
  CHECK_FALSE(core::parse_shard("0/2"));
  CHECK_FALSE(core::parse_shard("3/2"));
  CHECK_FALSE(core::parse_shard("1/"));
  CHECK_FALSE(core::parse_shard("a/b"));
  CHECK_FALSE(core::parse_shard("1/300"));
}
