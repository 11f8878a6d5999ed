// The promotion record (release tag trailers) and the stable record: format, then parse back.

#include "core/trust/promotion_record.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

namespace {

const git::Oid k_a = *git::Oid::parse("0123456789abcdef0123456789abcdef01234567");
const git::Oid k_b = *git::Oid::parse("89abcdef0123456789abcdef0123456789abcdef");

} // namespace

TEST_CASE("a promotion record survives format then parse", "[promotion]")
{
  core::PromotionRecord record;
  record.tag = "v1.4.0";
  record.version = "1.4.0";
  record.candidate = k_a;
  record.approvals = {{"Ada Lovelace", "ada@example.com", "3AA5C34371567BD2A1B2C3D4E5F60718293A4B5C", k_b}};
  record.checks = {{"pytest", "pass"}, {"approvals", "pass"}};
  record.policies = {{"policies", "pass"}};
  record.previous_stable = core::StableRef{"v1.3.2", k_b};
  record.notes = "## [1.4.0] - 2026-11-25\n\n### Added\n\n- a feature (0123456)\n";
  const std::string text = core::format_release_message(record);
  CHECK_THAT(text, Catch::StartsWith("Release v1.4.0\n\n## [1.4.0] - 2026-11-25\n"));
  CHECK_THAT(text, Catch::Contains("\nTollgate-Promotion: v1\nCandidate: " + k_a.hex() + "\n"));
  CHECK_THAT(text, Catch::EndsWith("Previous-stable: v1.3.2 " + k_b.hex() + "\n"));
  // As libgit2 hands a tag's message back: with the signature appended.
  auto parsed =
      core::parse_release_message(text + "-----BEGIN PGP SIGNATURE-----\n\nxyz\n-----END PGP SIGNATURE-----\n");
  REQUIRE(parsed);
  CHECK(parsed->tag == "v1.4.0");
  CHECK(parsed->version == "1.4.0");
  CHECK(parsed->candidate == k_a);
  REQUIRE(parsed->approvals.size() == 1);
  CHECK(parsed->approvals[0].name == "Ada Lovelace");
  CHECK(parsed->approvals[0].email == "ada@example.com");
  CHECK(parsed->approvals[0].approval == k_b);
  CHECK(parsed->checks.size() == 2);
  CHECK(parsed->policies.size() == 1);
  REQUIRE(parsed->previous_stable);
  CHECK(parsed->previous_stable->tag == "v1.3.2");
  CHECK_THAT(parsed->notes, Catch::StartsWith("## [1.4.0]") && Catch::Contains("- a feature"));
  record.previous_stable.reset();
  auto first = core::parse_release_message(core::format_release_message(record));
  REQUIRE(first);
  CHECK_FALSE(first->previous_stable);
}

TEST_CASE("release messages without a valid record are refused", "[promotion]")
{
  CHECK_FALSE(core::parse_release_message("v1.0.0\n\nhand-made tag\n"));
  CHECK_FALSE(core::parse_release_message("Release v1.0.0\n\nno record here\n"));
  CHECK_FALSE(core::parse_release_message("Release v1\n\nTollgate-Promotion: v2\nCandidate: " + k_a.hex() +
                                          "\nPrevious-stable: none\n"));
  CHECK_FALSE(core::parse_release_message("Release v1\n\nTollgate-Promotion: v1\nPrevious-stable: none\n"));
  CHECK_FALSE(core::parse_release_message("Release v1\n\nTollgate-Promotion: v1\nCandidate: " + k_a.hex() +
                                          "\nPrevious-stable: none\nSigned-off-by: me\n"));
}

TEST_CASE("a stable record survives format then parse, demotions included", "[promotion]")
{
  core::StableRecord record{
      "v1.3.2", k_a, core::StableRef{"v1.4.0", k_b}, "Ada <ada@example.com> 3AA5", "bad\nrelease", "", std::nullopt};
  const std::string text = core::format_stable_message(record);
  CHECK_THAT(text, Catch::StartsWith("stable -> v1.3.2\n\nTollgate-Stable: v1\n"));
  CHECK_THAT(text, Catch::Contains("Reason: bad release\n"));
  auto parsed = core::parse_stable_message(text);
  REQUIRE(parsed);
  CHECK(parsed->release == "v1.3.2");
  CHECK(parsed->release_tag == k_a);
  CHECK(parsed->previous_stable->tag == "v1.4.0");
  CHECK(parsed->demoted_by == "Ada <ada@example.com> 3AA5");
  CHECK(parsed->reason == "bad release");
  CHECK_FALSE(core::parse_stable_message("stable -> v1\n\nRelease: v1 " + k_a.hex() + "\n"));
}

TEST_CASE("a stage record names its stage and how the release came to it", "[promotion][stages]")
{
  core::StableRecord record;
  record.release = "v1.4.0";
  record.release_tag = k_a;
  record.stage = "staging";
  const std::string first = core::format_stable_message(record);
  CHECK_THAT(first, Catch::StartsWith("staging -> v1.4.0\n\nTollgate-Stable: v1\nStage: staging\nRelease: v1.4.0 "));
  auto parsed = core::parse_stable_message(first);
  REQUIRE(parsed);
  CHECK(parsed->stage == "staging");
  CHECK_FALSE(parsed->evidence);

  core::StageEvidence evidence;
  evidence.from_stage = "staging";
  evidence.from_tag = k_b;
  evidence.entered = 1700000000;
  evidence.soak = 3600;
  evidence.held = 3700;
  evidence.signoffs = {{"Bob Builder", "bob@example.com", "B0B", k_a}, {"Ada", "ada@example.com", "ADA", k_b}};
  evidence.verify = "pass scripts/smoke.sh v1.4.0";
  record.stage.clear();
  record.evidence = evidence;
  const std::string moved = core::format_stable_message(record);
  CHECK_THAT(moved, Catch::StartsWith("stable -> v1.4.0\n"));
  CHECK_THAT(moved, Catch::Contains("\nFrom-stage: staging " + k_b.hex() +
                                    " 1700000000\nSoak: 3600s held 3700s\n"
                                    "Sign-off: Bob Builder <bob@example.com> B0B " +
                                    k_a.hex() + "\n"));
  parsed = core::parse_stable_message(moved);
  REQUIRE(parsed);
  CHECK(parsed->stage.empty());
  REQUIRE(parsed->evidence);
  CHECK(parsed->evidence->from_stage == "staging");
  CHECK(parsed->evidence->from_tag == k_b);
  CHECK(parsed->evidence->entered == 1700000000);
  CHECK(parsed->evidence->soak == 3600);
  CHECK(parsed->evidence->held == 3700);
  REQUIRE(parsed->evidence->signoffs.size() == 2);
  CHECK(parsed->evidence->signoffs[1].name == "Ada");
  CHECK(parsed->evidence->signoffs[1].approval == k_b);
  CHECK(parsed->evidence->verify == "pass scripts/smoke.sh v1.4.0");
  CHECK_FALSE(core::parse_stable_message(moved + "Soak: soon\n"));
  CHECK_FALSE(core::parse_stable_message(moved + "From-stage: staging\n"));
}

TEST_CASE("a promotion record carries the rules, the sandbox and the floor's notes", "[promotion]")
{
  core::PromotionRecord record;
  record.tag = "v1.4.0";
  record.candidate = k_a;
  record.rules = "stable v1.3.2 " + k_b.hex();
  record.sandbox = "confine=off backend=none cpu=600s mem=4096MiB net=none procs=512";
  record.floor_notes = {"tollgate.yaml: `sandbox.network: allow` ignored: stable (v1.3.2) says `none`",
                        "tollgate.yaml: dropping check `guard` ignored"};
  const std::string text = core::format_release_message(record);
  CHECK_THAT(text, Catch::Contains("\nRules: stable v1.3.2 " + k_b.hex() + "\nSandbox: confine=off backend=none "));
  CHECK_THAT(text,
             Catch::Contains("\nFloor-note: tollgate.yaml: dropping check `guard` ignored\nPrevious-stable: none\n"));
  auto parsed = core::parse_release_message(text);
  REQUIRE(parsed);
  CHECK(parsed->rules == record.rules);
  CHECK(parsed->sandbox == record.sandbox);
  CHECK(parsed->floor_notes == record.floor_notes);
  CHECK(parsed->unconfined());
  record.sandbox = "confine=on backend=bwrap cpu=600s mem=4096MiB net=none procs=512";
  CHECK_FALSE(core::parse_release_message(core::format_release_message(record))->unconfined());
  record.sandbox.clear();
  record.rules.clear();
  record.floor_notes.clear();
  CHECK_THAT(core::format_release_message(record), !Catch::Contains("Rules:") && !Catch::Contains("Sandbox:"));
}

TEST_CASE("a promotion record names the checks attestations stood in for, and by whom", "[promotion][attestations]")
{
  core::PromotionRecord record;
  record.tag = "v1.4.0";
  record.candidate = k_a;
  record.checks = {{"pytest", "pass"}};
  record.attestations = {{"pytest", "3AA5C34371567BD2A1B2C3D4E5F60718293A4B5C", k_b, "CI Bot (GitHub Actions)"}};
  const std::string text = core::format_release_message(record);
  CHECK_THAT(text, Catch::Contains("\nAttested-by: pytest 3AA5C34371567BD2A1B2C3D4E5F60718293A4B5C " + k_b.hex() +
                                   " CI Bot (GitHub Actions)\n"));
  auto parsed = core::parse_release_message(text);
  REQUIRE(parsed);
  REQUIRE(parsed->attestations.size() == 1);
  CHECK(parsed->attestations[0].check == "pytest");
  CHECK(parsed->attestations[0].fingerprint == "3AA5C34371567BD2A1B2C3D4E5F60718293A4B5C");
  CHECK(parsed->attestations[0].attestation == k_b);
  CHECK(parsed->attestations[0].attester == "CI Bot (GitHub Actions)");
  const std::string broken = "Release v1\n\nTollgate-Promotion: v1\nCandidate: " + k_a.hex() +
                             "\nAttested-by: pytest ABC\nPrevious-stable: none\n";
  CHECK_FALSE(core::parse_release_message(broken));
}
