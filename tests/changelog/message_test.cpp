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
  CHECK(breaking_note(m) == "drop the v1 endpoints");
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
  CHECK(breaking_note(m) == "the timeout option is gone");

  const Message hyphen = parse_message("feat: x\n\nBREAKING-CHANGE: config v2 only");
  CHECK(hyphen.breaking);
  CHECK(breaking_note(hyphen) == "config v2 only");

  // With both `!` and a footer, the footer says what breaks.
  const Message both = parse_message("feat!: x\n\nBREAKING CHANGE: y");
  CHECK(breaking_note(both) == "y");
}

TEST_CASE("commit message: BREAKING CHANGE only in upper case, as a footer or at the start of a body line", "[commit]")
{
  CHECK_FALSE(parse_message("feat: x\n\nbreaking change: y").breaking);
  CHECK_FALSE(parse_message("feat: x\n\nBreaking Change: y").breaking);
  // In the header's line it is not a footer.
  CHECK_FALSE(parse_message("feat: BREAKING CHANGE: y").breaking);
  // A non-conventional commit cannot break anything.
  CHECK_FALSE(parse_message("update stuff\n\nBREAKING CHANGE: y").breaking);
  CHECK_FALSE(parse_message("Revert \"feat: x\"\n\nBREAKING CHANGE: y").breaking);
  // Inside a line it is prose.
  CHECK_FALSE(parse_message("feat: x\n\nThis is no BREAKING CHANGE: y").breaking);
  CHECK_FALSE(parse_message("feat: x\n\n** BREAKING CHANGE: y").breaking);
}

TEST_CASE("commit message: BREAKING CHANGE lines inside the body are notes too", "[commit]")
{
  // semantic-release, release-please and commitizen read such a line anywhere after the header.
  const Message inline_note = parse_message("feat: x\n\nSome text.\nBREAKING CHANGE: the cache\nmoved\n\nMore.");
  CHECK(inline_note.breaking);
  CHECK(inline_note.breaking_notes == std::vector<std::string>{"the cache moved"});
  CHECK(inline_note.body == "Some text.\nBREAKING CHANGE: the cache\nmoved\n\nMore.");
  // GitHub's squash body lists each commit as `* message`.
  const Message squash = parse_message("feat: x (#12)\n\n* feat: x\n\n* BREAKING CHANGE: a\n* BREAKING-CHANGE: b\n\n"
                                       "* fix: z\n\nBREAKING CHANGE: c\n");
  CHECK(squash.breaking_notes == std::vector<std::string>{"a", "b", "c"});
  // An empty note breaks and says nothing: the description is the note, as for `!`.
  for (const char* message :
       {"feat: x\n\nBREAKING CHANGE:", "feat: x\n\n* BREAKING CHANGE:\n\nmore", "feat!: x\n\nBREAKING-CHANGE:\n"}) {
    INFO(message);
    const Message empty = parse_message(message);
    CHECK(empty.breaking);
    CHECK(empty.breaking_notes == std::vector<std::string>{"x"});
  }
  // With `!`, a body note says what breaks, as a footer does.
  const Message bang = parse_message("feat!: x\n\ntext\nBREAKING CHANGE: y");
  CHECK(breaking_note(bang) == "y");
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
  CHECK(breaking_note(m) == "yes");
}

TEST_CASE("commit message: a footer paragraph ends the body, later text continues the footer", "[commit]")
{
  const Message m = parse_message("docs: x\n\nbody\n\nCo-authored-by: A <a@x>\n\nmore text");
  CHECK(m.body == "body");
  REQUIRE(m.footers.size() == 1);
  CHECK(m.footers[0].value == "A <a@x>\n\nmore text");
}

TEST_CASE("commit message: GitHub's revert titles, nested reverts, reverts known by their body", "[commit]")
{
  // git's title, and GitHub's with the pull request's ` (#N)`.
  const std::string header = GENERATE(as<std::string>{}, "Revert \"chore(deps): update x to v5.1.1\"",
                                      "Revert \"chore(deps): update x to v5.1.1\" (#2682)");
  const std::string suffix = header.ends_with(")") ? " (#2682)" : "";
  const Message revert = parse_message(header + "\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n");
  CHECK(revert.kind == MessageKind::revert);
  CHECK(revert.type == "revert");
  CHECK(reverted_header(revert) == "chore(deps): update x to v5.1.1");
  CHECK(revert.description == "chore(deps): update x to v5.1.1" + suffix);
  CHECK(revert.reverts == "0123456789abcdef0123456789abcdef01234567");
  CHECK(revert.revert_depth == 1);

  // The revert of a revert brings the change back: it is the innermost commit again.
  const Message twice = parse_message("Revert \"Revert \"feat: x\"\" (#2271)");
  CHECK(twice.kind == MessageKind::conventional);
  CHECK(twice.type == "feat");
  CHECK(twice.description == "x (#2271)");
  CHECK(twice.revert_depth == 2);
  const Message thrice = parse_message("Revert \"Revert \"Revert \"feat!: x (#1)\" (#2)\" (#3)\" (#4)");
  CHECK(thrice.kind == MessageKind::revert);
  CHECK(reverted_header(thrice) == "feat!: x (#1)");
  CHECK_FALSE(thrice.breaking); // reverting a breaking change breaks nothing by itself
  // git 2.43+ titles the revert of `Revert "x"` as `Reapply "x"`: two levels at once.
  const Message reapply = parse_message("Reapply \"feat(api): x\" (#9)\n\nThis reverts commit abcdef1234567.\n");
  CHECK(reapply.kind == MessageKind::conventional);
  CHECK(reapply.type == "feat");
  CHECK(reapply.scope == "api");
  CHECK(reapply.description == "x (#9)");
  CHECK(reapply.revert_depth == 2);
  CHECK(reapply.reverts == "abcdef1234567");
  const Message unapply = parse_message("Revert \"Reapply \"feat!: x\"\"");
  CHECK(unapply.kind == MessageKind::revert);
  CHECK(unapply.revert_depth == 3);
  CHECK(reverted_header(unapply) == "feat!: x");
  CHECK_FALSE(unapply.breaking);
  const Message reapply_free = parse_message("Reapply \"update the readme\"");
  CHECK(reapply_free.kind == MessageKind::revert);
  CHECK(reverted_header(reapply_free) == "Revert \"update the readme\"");
  CHECK(parse_message("Reapply \"\"").kind == MessageKind::other);
  // A revert of a revert of free text stays a revert (of the first revert).
  const Message free = parse_message("Revert \"Revert \"update the readme\"\"");
  CHECK(free.kind == MessageKind::revert);
  CHECK(reverted_header(free) == "Revert \"update the readme\"");

  const Message body = parse_message("Back out the cache\n\nThis reverts commit abcdef1234567.\n");
  CHECK(body.kind == MessageKind::revert);
  CHECK(body.description == "Back out the cache");
  CHECK(body.reverts == "abcdef1234567");
  // A conventional header keeps its type; the body still names what it reverts.
  const Message typed = parse_message("fix: undo the cache\n\nThis reverts commit abcdef1234567.\n");
  CHECK(typed.kind == MessageKind::conventional);
  CHECK(typed.type == "fix");
  CHECK(typed.reverts == "abcdef1234567");

  CHECK(parse_message("Revert \"\" (#1)").kind == MessageKind::other);
  CHECK(parse_message("Revert \"x\" (#12a)").kind == MessageKind::other);
}

TEST_CASE("commit message: every BREAKING CHANGE footer is a note", "[commit]")
{
  const Message m = parse_message("feat: new store\n\nBREAKING CHANGE: the cache moved\nRefs: #3\n"
                                  "BREAKING-CHANGE: the `--db` option\n  is gone\n");
  CHECK(m.breaking);
  CHECK(m.breaking_notes == std::vector<std::string>{"the cache moved", "the `--db` option is gone"});
  CHECK(breaking_note(m) == "the cache moved; the `--db` option is gone");
  const Message bang = parse_message("fix!: reject empty names");
  CHECK(bang.breaking_notes == std::vector<std::string>{"reject empty names"});
  const Message both = parse_message("feat!: x\n\nBREAKING CHANGE: y\nBREAKING CHANGE: z");
  CHECK(both.breaking_notes == std::vector<std::string>{"y", "z"});
}

TEST_CASE("commit message: a merge's body is the pull request's title, never footers", "[commit]")
{
  const Message m = parse_message("Merge pull request #12 from acme/topic\n\nfeat: add z\n");
  CHECK(m.kind == MessageKind::merge);
  CHECK(m.body == "feat: add z");
  CHECK(m.footers.empty());
}
