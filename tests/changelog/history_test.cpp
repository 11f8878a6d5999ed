// A fixture history built with the real git CLI: conventional and free-text commits, a merge, a
// revert of a commit in range, a fixup, both breaking forms, a prerelease, tags that are no
// release, a release on a branch the candidate does not contain, and a hand-written CHANGELOG.

#include "changelog/plan.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fmt/format.h>

#include <algorithm>

using namespace tollgate;
using namespace tollgate::changelog;

namespace {

class Fixture {
public:
  Fixture()
  {
    ::setenv("GIT_AUTHOR_NAME", "Ada", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "ada@example.com", 1);
    ::setenv("GIT_COMMITTER_NAME", "Ada", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "ada@example.com", 1);
    ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    git("init -q -b main");
    git("config commit.gpgsign false");
    git("config tag.gpgsign false");
    commit("chore: initial commit");
    git("tag -a v1.0.0 -m release");
    commit("feat(core): add the parser");
    commit("fix: handle empty input");
    git("tag v1.1.0-rc.1");
    git("tag v2.0");        // not SemVer
    git("tag vnext");       // not SemVer
    git("tag other-9.0.0"); // another prefix
    git("checkout -q -b topic");
    commit("feat(cli): add --json");
    git("checkout -q main");
    commit("docs: fix a typo");
    git("merge -q --no-ff -m \"Merge branch 'topic'\" topic");
    commit("update the readme");
    commit("fixup! fix: handle empty input");
    commit("feat: temporary flag");
    git("revert --no-edit HEAD");
    commit("perf(security): faster hashing");
    commit("chore: bump deps\n\nBREAKING CHANGE: needs Node 20\n  or later");
    commit("refactor!: drop the old API");
    // A release on a branch main does not contain.
    git("checkout -q -b side v1.0.0");
    commit("feat: side work");
    git("tag v3.0.0");
    git("checkout -q main");
  }

  void git(const std::string& args) const
  {
    const std::string command = fmt::format("git -C '{}' {} >/dev/null 2>&1", m_dir.path().string(), args);
    INFO(command);
    REQUIRE(std::system(command.c_str()) == 0);
  }

  // Each commit adds a file of its own (so a revert has something to undo).
  void commit(const std::string& message)
  {
    m_dir.write(fmt::format("file{}.txt", ++m_count), message);
    m_dir.write(".git/MESSAGE", message);
    git("add -A");
    git(fmt::format("commit -q -F '{}'", (m_dir.path() / ".git/MESSAGE").string()));
  }

  git::Repository repo() const
  {
    auto repo = git::Repository::open(m_dir.path());
    REQUIRE(repo.has_value());
    return std::move(*repo);
  }

  const test::TempDir& dir() const { return m_dir; }

private:
  test::TempDir m_dir;
  int m_count = 0;
};

PlanOptions options()
{
  PlanOptions options;
  options.date = "2026-11-25";
  return options;
}

ReleasePlan plan(const Fixture& fixture, const PlanOptions& opts = options(), const Settings& settings = {})
{
  auto result = plan_release(fixture.repo(), settings, opts);
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result.has_value());
  return std::move(*result);
}

std::vector<std::string> subjects(const ReleasePlan& plan, const std::string& title)
{
  std::vector<std::string> out;
  for (const auto& section : plan.grouping.sections) {
    if (section.title == title) {
      for (std::size_t index : section.changes) {
        out.push_back(plan.changes[index].message.description);
      }
    }
  }
  return out;
}

} // namespace

TEST_CASE("changelog history: release tags are the prefix plus SemVer, highest first", "[changelog][history]")
{
  const Fixture fixture;
  auto tags = release_tags(fixture.repo(), "v");
  REQUIRE(tags.has_value());
  std::vector<std::string> names;
  for (const auto& tag : *tags) {
    names.push_back(tag.name);
  }
  CHECK(names == std::vector<std::string>{"v3.0.0", "v1.1.0-rc.1", "v1.0.0"});
  CHECK((*tags)[2].tagger_time.has_value()); // annotated
  CHECK_FALSE((*tags)[1].tagger_time.has_value());
}

TEST_CASE("changelog history: the next release of the fixture", "[changelog][history]")
{
  const Fixture fixture;
  const ReleasePlan p = plan(fixture);
  CHECK(p.previous_tag == "v1.0.0"); // v3.0.0 is not reachable, the rc is a prerelease
  CHECK(p.next.str() == "2.0.0");
  CHECK(p.tag == "v2.0.0");
  CHECK(p.bump == Bump::major);
  CHECK_FALSE(p.nothing_to_release);
  CHECK(subjects(p, "Added") == std::vector<std::string>{"add --json", "add the parser"});
  CHECK(subjects(p, "Fixed") == std::vector<std::string>{"handle empty input"});
  CHECK(subjects(p, "Security") == std::vector<std::string>{"faster hashing"});
  CHECK(subjects(p, "Changed") == std::vector<std::string>{"drop the old API", "bump deps"});
  CHECK(subjects(p, "Removed").empty()); // the revert and the reverted commit cancel out
  CHECK(subjects(p, "Other").empty());
  CHECK(p.grouping.sections.size() == 4);
  CHECK(p.grouping.sections[0].title == "Added");
  CHECK(p.grouping.sections[1].title == "Changed");
  CHECK(p.grouping.sections[2].title == "Fixed");
  CHECK(p.grouping.sections[3].title == "Security");
  CHECK_THAT(p.section, Catch::StartsWith("## [2.0.0] - 2026-11-25\n\n### Added\n\n- **cli:** add --json ("));
  CHECK_THAT(p.section, Catch::Contains("- **BREAKING** drop the old API ("));
  CHECK_THAT(p.section,
             Catch::Contains("- **BREAKING** bump deps (") && Catch::Contains("): needs Node 20 or later\n"));
  CHECK_FALSE(p.unreleased_url.has_value()); // no origin
}

TEST_CASE("changelog history: rules from the settings", "[changelog][history]")
{
  const Fixture fixture;
  Settings settings;
  settings.include_other = true;
  settings.include_merges = true;
  settings.include_fixups = true;
  settings.cancel_reverts = false;
  settings.types.emplace_back("docs", "Documentation");
  const ReleasePlan p = plan(fixture, options(), settings);
  CHECK(subjects(p, "Other") ==
        std::vector<std::string>{"fixup! fix: handle empty input", "update the readme", "Merge branch 'topic'"});
  CHECK(subjects(p, "Removed") == std::vector<std::string>{"feat: temporary flag"});
  CHECK(subjects(p, "Documentation") == std::vector<std::string>{"fix a typo"});
  CHECK(p.grouping.sections.back().title == "Other");
}

TEST_CASE("changelog history: prereleases, --from, --version, nothing to release", "[changelog][history]")
{
  const Fixture fixture;
  PlanOptions rc = options();
  rc.prerelease = "rc";
  const ReleasePlan p = plan(fixture, rc);
  CHECK(p.next.str() == "2.0.0-rc.1");
  CHECK(p.previous_tag == "v1.1.0-rc.1"); // the section starts at the last prerelease
  CHECK(subjects(p, "Added") == std::vector<std::string>{"add --json"});

  PlanOptions from = options();
  from.from = "HEAD~2";
  const ReleasePlan since = plan(fixture, from);
  CHECK(since.changes.size() == 2);
  CHECK(since.next.str() == "2.0.0"); // the version still follows everything since v1.0.0

  PlanOptions exact = options();
  exact.version = "v2.5.0";
  CHECK(plan(fixture, exact).next.str() == "2.5.0");
  exact.version = "0.9.0";
  CHECK_FALSE(plan_release(fixture.repo(), {}, exact).has_value());

  PlanOptions at_tag = options();
  at_tag.candidate = "v1.0.0";
  const ReleasePlan nothing = plan(fixture, at_tag);
  CHECK(nothing.nothing_to_release);
  CHECK(nothing.section.empty());
  CHECK_FALSE(nothing.apply_to_file("", "CHANGELOG.md").has_value());

  fixture.git("tag v2.0.0 side"); // 2.0.0 released elsewhere: never reused
  auto taken = plan_release(fixture.repo(), {}, options());
  REQUIRE_FALSE(taken.has_value());
  CHECK_THAT(taken.error().message, Catch::Contains("2.0.0 is released already"));
}

TEST_CASE("changelog history: a hand-written CHANGELOG survives byte for byte outside the new section",
          "[changelog][history][editor]")
{
  const Fixture fixture;
  fixture.git("remote add origin git@github.com:acme/widget.git");
  const std::string before = "#  Changelog  \n"
                             "\n"
                             "Hand-written intro\twith a tab.\n"
                             "## [Unreleased]\n";
  const std::string after = "## [1.0.0] - 2020-01-01\n"
                            "+ weird bullet\n"
                            "\n\n"
                            "<!-- a comment -->\n"
                            "[1.0.0]: https://github.com/acme/widget/releases/tag/v1.0.0\n";
  const ReleasePlan p = plan(fixture);
  auto edit = p.apply_to_file(before + after, "CHANGELOG.md");
  REQUIRE(edit.has_value());
  const std::string& text = edit->text;
  CHECK(text.starts_with(before + "\n" + p.section + "\n"));
  CHECK(text.ends_with("<!-- a comment -->\n"
                       "[Unreleased]: https://github.com/acme/widget/compare/v2.0.0...HEAD\n"
                       "[2.0.0]: https://github.com/acme/widget/compare/v1.0.0...v2.0.0\n"
                       "[1.0.0]: https://github.com/acme/widget/releases/tag/v1.0.0\n"));
  CHECK(text.find("\n## [1.0.0] - 2020-01-01\n+ weird bullet\n\n\n<!-- a comment -->\n") != std::string::npos);
  auto again = p.apply_to_file(text, "CHANGELOG.md");
  REQUIRE(again.has_value());
  CHECK_FALSE(again->changed);
  CHECK(again->text == text);
}

TEST_CASE("changelog history: the whole history, one section per reachable release", "[changelog][history]")
{
  const Fixture fixture;
  auto text = render_history(fixture.repo(), {}, options());
  REQUIRE(text.has_value());
  const auto unreleased = text->find("## [Unreleased]");
  const auto rc = text->find("## [1.1.0-rc.1] - ");
  const auto first = text->find("## [1.0.0] - ");
  REQUIRE(unreleased != std::string::npos);
  REQUIRE(rc != std::string::npos);
  REQUIRE(first != std::string::npos);
  CHECK(unreleased < rc);
  CHECK(rc < first);
  CHECK(text->find("3.0.0") == std::string::npos); // not reachable from HEAD
  CHECK(text->find("add the parser") > rc);
  CHECK(text->find("add the parser") < first);
  CHECK(text->find("add --json") < rc);
  CHECK(text->find("side work") == std::string::npos);
}

TEST_CASE("changelog history: repository overrides of the templates", "[changelog][history]")
{
  const Fixture fixture;
  fixture.dir().write(
      ".tollgate/templates/changelog/section.mustache",
      "## {{tag}} ({{date}})\n{{#sections}}{{title}}:{{#entries}} {{subject}}/{{author}};{{/entries}}\n{{/sections}}");
  PlanOptions opts = options();
  opts.templates_root = fixture.dir().path();
  const ReleasePlan p = plan(fixture, opts);
  CHECK(p.section == "## v2.0.0 (2026-11-25)\nAdded: add --json/Ada; add the parser/Ada;\n"
                     "Changed: drop the old API/Ada; bump deps/Ada;\nFixed: handle empty input/Ada;\n"
                     "Security: faster hashing/Ada;\n");
  fixture.dir().write(".tollgate/templates/changelog/section.mustache", "{{#sections}}unclosed");
  auto broken = plan_release(fixture.repo(), {}, opts);
  REQUIRE_FALSE(broken.has_value());
  CHECK_THAT(broken.error().message, Catch::StartsWith(".tollgate/templates/changelog/section.mustache: "));
}

TEST_CASE("changelog history: a merge of non-conventional commits speaks with its pull request's title",
          "[changelog][history]")
{
  Fixture fixture;
  fixture.git("tag v2.0.0");
  fixture.git("checkout -q -b pr");
  fixture.commit("wip");
  fixture.commit("more wip");
  fixture.git("checkout -q main");
  fixture.dir().write(".git/MERGE_TEXT", "Merge pull request #12 from acme/pr\n\nfeat: add z\n");
  fixture.git(fmt::format("merge -q --no-ff -F '{}' pr", (fixture.dir().path() / ".git/MERGE_TEXT").string()));
  const ReleasePlan p = plan(fixture);
  CHECK(p.next.str() == "2.1.0");
  CHECK(subjects(p, "Added") == std::vector<std::string>{"add z (#12)"});

  Settings elsewhere;
  elsewhere.paths = {"nowhere/"};
  const ReleasePlan none = plan(fixture, options(), elsewhere);
  CHECK(none.nothing_to_release);
  CHECK(none.changes.empty());
  Settings here;
  here.exclude_paths = {"nowhere/"};
  CHECK(plan(fixture, options(), here).next.str() == "2.1.0");
}

TEST_CASE("changelog history: a reverted merge takes its branch along, unless the revert is reverted",
          "[changelog][history]")
{
  Fixture fixture;
  fixture.git("tag v2.0.0");
  fixture.git("checkout -q -b pr");
  fixture.commit("feat: x");
  fixture.commit("fix: y");
  fixture.git("checkout -q main");
  fixture.commit("fix: other");
  fixture.git("merge -q --no-ff -m 'Merge pull request #12 from acme/pr' pr");
  fixture.git("revert --no-edit -m 1 HEAD");
  const ReleasePlan undone = plan(fixture);
  CHECK(undone.next.str() == "2.0.1");
  CHECK(undone.grouping.listed == 1);
  CHECK(subjects(undone, "Fixed") == std::vector<std::string>{"other"});

  fixture.git("revert --no-edit HEAD");
  const ReleasePlan back = plan(fixture);
  CHECK(back.next.str() == "2.1.0");
  CHECK(subjects(back, "Added") == std::vector<std::string>{"x"});
  CHECK(subjects(back, "Fixed") == std::vector<std::string>{"other", "y"});
}
