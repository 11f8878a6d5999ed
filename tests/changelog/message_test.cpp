#include "changelog/message.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::changelog;

TEST_CASE("commit message: a conventional header", "[commit]")
{
  const Message m = parse_message("feat(parser): accept empty lists\n");
  CHECK(m.kind == MessageKind::conventional);
  CHECK(m.type == "feat");
  CHECK(m.scope == "parser");
  CHECK(m.description == "accept empty lists");
  CHECK_FALSE(m.breaking);
  CHECK(m.body.empty());
  CHECK(m.footers.empty());
}

TEST_CASE("commit message: types are case-insensitive, scopes kept as written", "[commit]")
{
  const Message m = parse_message("FEAT(CLI): Shout");
  CHECK(m.kind == MessageKind::conventional);
  CHECK(m.type == "feat");
  CHECK(m.scope == "CLI");
}

TEST_CASE("commit message: `!` alone makes the description the breaking note", "[commit]")
{
  const Message m = parse_message("refactor(api)!: drop the v1 endpoints");
  CHECK(m.breaking);
  CHECK(m.breaking_note == "drop the v1 endpoints");
  const Message no_scope = parse_message("chore!: drop Node 14");
  CHECK(no_scope.breaking);
  CHECK(no_scope.scope.empty());
}

TEST_CASE("commit message: body and footers, both breaking forms", "[commit]")
{
  const Message m = parse_message("fix: prevent racing of requests\n"
                                  "\n"
                                  "Introduce a request id and a reference to latest request.\n"
                                  "Dismiss incoming responses other than from latest request.\n"
                                  "\n"
                                  "Remove timeouts which were used to mitigate the racing issue but are\n"
                                  "obsolete now.\n"
                                  "\n"
                                  "Reviewed-by: Z\n"
                                  "Refs #123\n"
                                  "BREAKING CHANGE: the timeout option\n"
                                  "  is gone\n");
  CHECK(m.body == "Introduce a request id and a reference to latest request.\n"
                  "Dismiss incoming responses other than from latest request.\n"
                  "\n"
                  "Remove timeouts which were used to mitigate the racing issue but are\n"
                  "obsolete now.");
  REQUIRE(m.footers.size() == 3);
  CHECK(m.footers[0].token == "Reviewed-by");
  CHECK(m.footers[0].value == "Z");
  CHECK(m.footers[1].token == "Refs");
  CHECK(m.footers[1].value == "123");
  CHECK(m.footers[2].token == "BREAKING CHANGE");
  CHECK(m.footers[2].value == "the timeout option\n  is gone");
  CHECK(m.breaking);
  CHECK(m.breaking_note == "the timeout option is gone");

  const Message hyphen = parse_message("feat: x\n\nBREAKING-CHANGE: config v2 only");
  CHECK(hyphen.breaking);
  CHECK(hyphen.breaking_note == "config v2 only");

  // With both `!` and a footer, the footer says what breaks.
  const Message both = parse_message("feat!: x\n\nBREAKING CHANGE: y");
  CHECK(both.breaking_note == "y");
}

TEST_CASE("commit message: BREAKING CHANGE only in upper case, only as a footer", "[commit]")
{
  CHECK_FALSE(parse_message("feat: x\n\nbreaking change: y").breaking);
  CHECK_FALSE(parse_message("feat: x\n\nBreaking Change: y").breaking);
  // In the header's line it is not a footer.
  CHECK_FALSE(parse_message("feat: BREAKING CHANGE: y").breaking);
  // A non-conventional commit cannot break anything.
  CHECK_FALSE(parse_message("update stuff\n\nBREAKING CHANGE: y").breaking);
}

TEST_CASE("commit message: what is not conventional", "[commit]")
{
  const std::string header =
      GENERATE(as<std::string>{}, "feat:missing space", "feat : spaced colon", "feat():empty", "feat(): empty scope",
               "feat(a: unclosed", "feat:", "(scope): no type", "1feat: digit first", "feat(a)(b): two scopes",
               "feat!!: twice", "just words", "");
  INFO('"' << header << '"');
  const Message m = parse_message(header);
  CHECK(m.kind == MessageKind::other);
  CHECK(m.type.empty());
  CHECK(m.description == header);
}

TEST_CASE("commit message: merges, reverts, fixups", "[commit]")
{
  CHECK(parse_message("Merge branch 'topic'").kind == MessageKind::merge);
  CHECK(parse_message("Merge pull request #12 from a/b\n\nfeat: x").kind == MessageKind::merge);
  CHECK(parse_message("fixup! feat: x").kind == MessageKind::fixup);
  CHECK(parse_message("squash! fix: y").kind == MessageKind::fixup);
  CHECK(parse_message("amend! fix: y").kind == MessageKind::fixup);

  const Message revert = parse_message("Revert \"feat: add the thing\"\n\nThis reverts commit "
                                       "0123456789abcdef0123456789abcdef01234567.\n");
  CHECK(revert.kind == MessageKind::revert);
  CHECK(revert.type == "revert");
  CHECK(revert.description == "feat: add the thing");
  CHECK(revert.reverts == "0123456789abcdef0123456789abcdef01234567");

  const Message conventional = parse_message("revert: let us never again speak of the noodle incident\n\n"
                                             "Refs: 676104e, a215868\n");
  CHECK(conventional.kind == MessageKind::conventional);
  CHECK(conventional.reverts == "676104e");
}

TEST_CASE("commit message: CRLF and leading blank lines", "[commit]")
{
  const Message m = parse_message("\n\r\nfix(io): crlf\r\n\r\nbody line\r\n\r\nBREAKING CHANGE: yes\r\n");
  CHECK(m.kind == MessageKind::conventional);
  CHECK(m.description == "crlf");
  CHECK(m.body == "body line");
  CHECK(m.breaking_note == "yes");
}

TEST_CASE("commit message: a footer paragraph ends the body, later text continues the footer", "[commit]")
{
  const Message m = parse_message("docs: x\n\nbody\n\nCo-authored-by: A <a@x>\n\nmore text");
  CHECK(m.body == "body");
  REQUIRE(m.footers.size() == 1);
  CHECK(m.footers[0].value == "A <a@x>\n\nmore text");
}
