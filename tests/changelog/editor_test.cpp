#include "changelog/editor.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tollgate::changelog;

namespace {

Insertion insertion_140()
{
  Insertion insertion;
  insertion.version = "1.4.0";
  insertion.tag = "v1.4.0";
  insertion.section =
      "## [1.4.0] - 2026-11-25\n\n### Added\n\n- new thing (abc1234)\n\n### Fixed\n\n- a bug (def5678)\n";
  insertion.header = "# Changelog\n\nHeader text.\n";
  insertion.unreleased_url = "https://github.com/o/r/compare/v1.4.0...HEAD";
  insertion.version_url = "https://github.com/o/r/compare/v1.3.2...v1.4.0";
  return insertion;
}

std::string edit(const std::string& existing, const Insertion& insertion = insertion_140())
{
  auto result = insert_release(existing, insertion, "CHANGELOG.md");
  REQUIRE(result.has_value());
  return result->text;
}

// A hand-written file with odd formatting: trailing spaces, `*` bullets, a code fence holding a
// `## ` line, no blank line before a heading, an indented link reference, no final newline.
const std::string k_odd = "# Change Log   \n"
                          "Some *intro*, with trailing spaces.  \n"
                          "\n"
                          "## [Unreleased]\n"
                          "## [1.3.2] - 2026-01-02\n"
                          "* fixed   things\n"
                          "```\n"
                          "## [9.9.9] not a heading\n"
                          "```\n"
                          "\n\n\n"
                          "## 1.0.0 (ancient)\n"
                          "text\n"
                          "\n"
                          "  [Unreleased]: https://github.com/o/r/compare/v1.3.2...HEAD\n"
                          "[1.3.2]: https://github.com/o/r/compare/v1.0.0...v1.3.2";

} // namespace

TEST_CASE("changelog editor: the section goes under Unreleased, every other byte stays", "[changelog][editor]")
{
  const std::string out = edit(k_odd);
  const std::string expected =
      "# Change Log   \n"
      "Some *intro*, with trailing spaces.  \n"
      "\n"
      "## [Unreleased]\n"
      "\n"
      "## [1.4.0] - 2026-11-25\n\n### Added\n\n- new thing (abc1234)\n\n### Fixed\n\n- a bug (def5678)\n"
      "\n"
      "## [1.3.2] - 2026-01-02\n"
      "* fixed   things\n"
      "```\n"
      "## [9.9.9] not a heading\n"
      "```\n"
      "\n\n\n"
      "## 1.0.0 (ancient)\n"
      "text\n"
      "\n"
      "[Unreleased]: https://github.com/o/r/compare/v1.4.0...HEAD\n"
      "[1.4.0]: https://github.com/o/r/compare/v1.3.2...v1.4.0\n"
      "[1.3.2]: https://github.com/o/r/compare/v1.0.0...v1.3.2";
  CHECK(out == expected);
}

TEST_CASE("changelog editor: idempotent, the version already there changes nothing", "[changelog][editor]")
{
  const std::string once = edit(k_odd);
  auto twice = insert_release(once, insertion_140(), "CHANGELOG.md");
  REQUIRE(twice.has_value());
  CHECK_FALSE(twice->changed);
  CHECK(twice->text == once);
  // Also when the heading is written without brackets or with the tag.
  CHECK_FALSE(insert_release("## 1.4.0 - x\n", insertion_140(), "C")->changed);
  CHECK_FALSE(insert_release("## [v1.4.0]\n", insertion_140(), "C")->changed);
}

TEST_CASE("changelog editor: hand-written Unreleased entries move into the new section", "[changelog][editor]")
{
  const std::string existing = "# Changelog\n\n## [Unreleased]\n\nA note for this release.\n\n### Fixed\n"
                               "- hand fix  \n\n### Security\n\n- rotate keys\n\n## [1.3.2] - 2026-01-02\n\n- old\n";
  const std::string out = edit(existing);
  CHECK(out == "# Changelog\n\n## [Unreleased]\n\n"
               "## [1.4.0] - 2026-11-25\n\nA note for this release.\n\n### Added\n\n- new thing (abc1234)\n\n"
               "### Fixed\n\n- hand fix  \n- a bug (def5678)\n\n### Security\n\n- rotate keys\n\n"
               "## [1.3.2] - 2026-01-02\n\n- old\n\n"
               "[Unreleased]: https://github.com/o/r/compare/v1.4.0...HEAD\n"
               "[1.4.0]: https://github.com/o/r/compare/v1.3.2...v1.4.0\n");
}

TEST_CASE("changelog editor: a missing file gets the header, Unreleased and the section", "[changelog][editor]")
{
  const std::string out = edit("");
  CHECK(out == "# Changelog\n\nHeader text.\n\n## [Unreleased]\n\n## [1.4.0] - 2026-11-25\n\n### Added\n\n"
               "- new thing (abc1234)\n\n### Fixed\n\n- a bug (def5678)\n\n"
               "[Unreleased]: https://github.com/o/r/compare/v1.4.0...HEAD\n"
               "[1.4.0]: https://github.com/o/r/compare/v1.3.2...v1.4.0\n");
}

TEST_CASE("changelog editor: no Unreleased heading: one is added above the first release", "[changelog][editor]")
{
  Insertion insertion = insertion_140();
  insertion.unreleased_url.reset();
  insertion.version_url.reset();
  const std::string out = edit("# Changelog\n\n## [1.3.2]\n- x\n", insertion);
  CHECK(out == "# Changelog\n\n## [Unreleased]\n\n## [1.4.0] - 2026-11-25\n\n### Added\n\n- new thing (abc1234)\n\n"
               "### Fixed\n\n- a bug (def5678)\n\n## [1.3.2]\n- x\n");
}

TEST_CASE("changelog editor: unknown remote: no link edits at all", "[changelog][editor]")
{
  Insertion insertion = insertion_140();
  insertion.unreleased_url.reset();
  insertion.version_url.reset();
  const std::string existing = "## [Unreleased]\n\n[Unreleased]: https://example.org/x\n";
  CHECK(edit(existing, insertion) ==
        "## [Unreleased]\n\n" + insertion.section + "\n[Unreleased]: https://example.org/x\n");
}

TEST_CASE("changelog editor: CRLF files stay CRLF", "[changelog][editor]")
{
  Insertion insertion = insertion_140();
  insertion.unreleased_url.reset();
  insertion.version_url.reset();
  insertion.section = "## [1.4.0] - d\n\n- x\n";
  CHECK(edit("# C\r\n\r\n## [Unreleased]\r\n\r\n## [1.0.0]\r\n", insertion) ==
        "# C\r\n\r\n## [Unreleased]\r\n\r\n## [1.4.0] - d\r\n\r\n- x\r\n\r\n## [1.0.0]\r\n");
}

TEST_CASE("changelog editor: two Unreleased sections are an error naming the line", "[changelog][editor]")
{
  auto result = insert_release("# C\n## [Unreleased]\n\n## [unreleased]\n", insertion_140(), "docs/CHANGELOG.md");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message == "docs/CHANGELOG.md:4:1: a second `## [Unreleased]` section (the first is on line 2)");
}

TEST_CASE("changelog editor: headings inside code fences are not headings", "[changelog][editor]")
{
  const auto headings = release_headings("```\n## [1.0.0]\n```\n## [Unreleased]\n## 0.9.0 - x\n");
  REQUIRE(headings.size() == 2);
  CHECK(headings[0].key == "Unreleased");
  CHECK(headings[0].line == 3);
  CHECK(headings[1].key == "0.9.0");
}

TEST_CASE("changelog editor: an unclosed code block is an error, not a place to write into", "[changelog][editor]")
{
  // Found by changelog_fuzzer: the section went inside the block, and the next run added it again.
  auto result =
      insert_release("# C\r\n```\r\n## [Unreleased]\r\n=``#\r\n# 1.0.0\r\n  [x]: y", insertion_140(), "CHANGELOG.md");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message == "CHANGELOG.md:2:1: this code block (```) is never closed");
}
