// git's signed-tag format: building the payload, splitting off the signature, parsing the header.

#include "git/signed_tag.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

namespace {

const std::string k_commit = "0123456789abcdef0123456789abcdef01234567";
const std::string k_signature = "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n";

} // namespace

TEST_CASE("a tag payload is written as git writes it", "[git]")
{
  git::Signature tagger{"Ada Lovelace", "ada@example.com", 1700000000, -150};
  const std::string payload = git::tag_payload(*git::Oid::parse(k_commit), "commit", "v1.0.0", tagger, "Release");
  CHECK(payload ==
        "object " + k_commit +
            "\ntype commit\ntag v1.0.0\ntagger Ada Lovelace <ada@example.com> 1700000000 -0230\n\nRelease\n");
  tagger.offset = 60;
  CHECK_THAT(git::tag_payload(*git::Oid::parse(k_commit), "commit", "t", tagger, "m\n"),
             Catch::Contains(" 1700000000 +0100\n\nm\n") && !Catch::Contains("m\n\n"));
}

TEST_CASE("the signature is split at the last armored block that starts a line", "[git]")
{
  const std::string payload =
      "object " + k_commit + "\ntype commit\ntag t\n\nquoting -----BEGIN PGP SIGNATURE----- inline\n";
  const std::string signed_tag = payload + k_signature;
  const auto parts = git::split_signature(signed_tag);
  CHECK(parts.payload == payload);
  CHECK(parts.signature == k_signature);
  const auto unsigned_parts = git::split_signature(payload);
  CHECK(unsigned_parts.payload == payload);
  CHECK(unsigned_parts.signature.empty());
  // A message that itself contains a signature block: the last one is the signature.
  const std::string twice = payload + k_signature + k_signature;
  const auto nested = git::split_signature(twice);
  CHECK(nested.payload == payload + k_signature);
}

TEST_CASE("tag headers parse strictly", "[git]")
{
  const std::string payload = "object " + k_commit + "\ntype commit\ntag v1\ntagger A <a@b> 1 +0000\n\nmsg\n";
  auto header = git::parse_tag_payload(payload);
  REQUIRE(header);
  CHECK(header->object.hex() == k_commit);
  CHECK(header->type == "commit");
  CHECK(header->name == "v1");
  CHECK(header->tagger == "A <a@b> 1 +0000");
  CHECK(header->message == "msg\n");
  CHECK_FALSE(git::parse_tag_payload("type commit\nobject " + k_commit + "\n"));
  CHECK_FALSE(git::parse_tag_payload("object 0123\ntype commit\ntag v1\n\n"));
  CHECK_FALSE(git::parse_tag_payload("object " + k_commit + "\ntag v1\n\n"));
  CHECK_FALSE(git::parse_tag_payload(""));
}
