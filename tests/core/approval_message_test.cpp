// The approval message (DESIGN.md §4) and the repository identity, with inline strings.

#include "core/trust/approval_message.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

namespace {

const std::string k_commit = "0123456789abcdef0123456789abcdef01234567";
const std::string k_tree = "89abcdef0123456789abcdef0123456789abcdef";

std::string message(const std::string& fields)
{
  return "tollgate approval v1\n\n" + fields;
}

} // namespace

TEST_CASE("an approval message survives format then parse", "[approvals]")
{
  core::ApprovalMessage original{"github.com/o/r", *git::Oid::parse(k_commit), *git::Oid::parse(k_tree),
                                 "looks good\nto me"};
  const std::string text = core::format_approval_message(original);
  CHECK(text == message("repository: github.com/o/r\ncommit: " + k_commit + "\ntree: " + k_tree +
                        "\ncomment: looks good to me\n"));
  auto parsed = core::parse_approval_message(text);
  REQUIRE(parsed);
  CHECK(parsed->repository == "github.com/o/r");
  CHECK(parsed->commit.hex() == k_commit);
  CHECK(parsed->tree.hex() == k_tree);
  CHECK(parsed->comment == "looks good to me");
  original.comment.clear();
  CHECK(core::format_approval_message(original).find("comment") == std::string::npos);
}

TEST_CASE("malformed approval messages are refused with the reason", "[approvals]")
{
  struct Case {
    std::string text;
    std::string reason;
  };
  const std::string fields = "repository: r\ncommit: " + k_commit + "\ntree: " + k_tree + "\n";
  const auto c = GENERATE_REF(values<Case>({
      {"tollgate approval v2\n\n" + fields, "first line"},
      {"tollgate approval v1\n" + fields, "blank line"},
      {message("repository: r\ncommit: " + k_commit + "\n"), "`tree` is missing"},
      {message("commit: " + k_commit + "\ntree: " + k_tree + "\n"), "`repository` is missing"},
      {message(fields + "commit: " + k_commit + "\n"), "`commit` appears twice"},
      {message("repository: r\ncommit: 0123\ntree: " + k_tree + "\n"), "not a 40-hex id"},
      {message(fields + "approved-by: me\n"), "unknown field `approved-by`"},
      {message(fields + "no colon here\n"), "not `key: value`"},
  }));
  auto parsed = core::parse_approval_message(c.text);
  REQUIRE_FALSE(parsed);
  CHECK_THAT(parsed.error().message, Catch::Contains(c.reason));
}

TEST_CASE("approval refs name the commit and the signer's fingerprint", "[approvals]")
{
  CHECK(core::approval_ref(*git::Oid::parse(k_commit), "3AA5") == "refs/tollgate/approvals/" + k_commit + "/3AA5");
}
