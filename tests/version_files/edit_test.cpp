// The release commit's edits as a diff, and verify's judgment of a release commit: the CHANGELOG
// and the version strings only, against a real repository.

#include "git/objects.hpp"
#include "git/write.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"
#include "version_files/diff.hpp"
#include "version_files/edit.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <string>

using namespace tollgate;
using namespace tollgate::version_files;

namespace {

// Runs git in a new repository in `dir`, as a committer of its own.
std::function<std::string(const std::string&)> git_in(const test::TempDir& dir)
{
  const std::string root = dir.path().string();
  auto git = [root](const std::string& args) {
    return test::sh("git -C " + test::quote(root) + " -c user.name=A -c user.email=a@example.com " + args);
  };
  git("init -q -b main");
  return git;
}

} // namespace

TEST_CASE("version files: the edit as a unified diff", "[version_files]")
{
  std::string before;
  for (int i = 1; i <= 20; ++i) {
    before += "line " + std::to_string(i) + "\n";
  }
  std::string after = before;
  after.replace(after.find("line 2\n"), 6, "LINE 2");
  after.replace(after.find("line 9\n"), 6, "LINE 9");
  after.replace(after.find("line 18\n"), 7, "LINE 18");
  CHECK(unified_diff("f.txt", before, after) == "--- a/f.txt\n+++ b/f.txt\n"
                                                "@@ -1,12 +1,12 @@\n"
                                                " line 1\n-line 2\n+LINE 2\n line 3\n line 4\n line 5\n line 6\n"
                                                " line 7\n line 8\n-line 9\n+LINE 9\n line 10\n line 11\n line 12\n"
                                                "@@ -15,6 +15,6 @@\n"
                                                " line 15\n line 16\n line 17\n-line 18\n+LINE 18\n line 19\n"
                                                " line 20\n");
  CHECK(unified_diff("f.txt", before, before).empty());
  CHECK(unified_diff("one", "v1\n", "v2\n") == "--- a/one\n+++ b/one\n@@ -1 +1 @@\n-v1\n+v2\n");
  // CRLF kept, a last line without a newline marked, adjacent changes grouped.
  CHECK(unified_diff("v", "a\r\nb\r\nc", "A\r\nB\r\nc") ==
        "--- a/v\n+++ b/v\n@@ -1,3 +1,3 @@\n"
        "-a\r\n-b\r\n+A\r\n+B\r\n c\n\\ No newline at end of file\n");
}

TEST_CASE("version files: verify's judgment of a release commit", "[version_files]")
{
  test::TempDir dir;
  const auto git = git_in(dir);
  dir.write("pyproject.toml", "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndescription = \"one\"\n");
  dir.write("web/package.json", "{\n  \"name\": \"demo\",\n  \"version\": \"0.1.0\"\n}\n");
  dir.write("app.py", "print('hi')\n");
  dir.write("CHANGELOG.md", "# Changelog\n");
  git("add -A");
  git("commit -q -m candidate");
  auto repo = git::Repository::open(dir.path());
  REQUIRE(repo);
  const git::Oid candidate = *git::resolve_commit(*repo, "HEAD");
  std::vector<Entry> entries{*make_entry("pyproject.toml", "", "tollgate.yaml:5:7"),
                             *make_entry("web/package.json", "", "tollgate.yaml:6:7")};
  auto edits = plan_edits(*repo, candidate, entries, "0.2.0");
  REQUIRE(edits);
  CHECK(changed_list(*edits) == "pyproject.toml, web/package.json");
  CHECK((*edits)[0].summary("0.2.0") == "pyproject.toml 0.1.0 -> 0.2.0");

  // A release commit made of `files` on top of the candidate, judged for releasing 0.2.0.
  const auto judge = [&](std::vector<std::pair<std::string, std::string>> files,
                         const Result<std::vector<Entry>>& with) {
    auto tree = git::tree_with_files(*repo, candidate, files);
    REQUIRE(tree);
    const git::Signature who{"A", "a@example.com", 0, 0};
    auto buffer = git::commit_buffer(*repo, *tree, {candidate}, who, who, "chore(release): v0.2.0\n");
    REQUIRE(buffer);
    auto release = git::write_commit(*repo, *buffer, "");
    REQUIRE(release);
    return judge_release_commit(*repo, candidate, *release, "CHANGELOG.md", with, "0.2.0");
  };
  const std::pair<std::string, std::string> changelog{"CHANGELOG.md", "# Changelog\n\n## [0.2.0]\n"};

  // Control: the CHANGELOG and both version strings.
  auto legit =
      judge({changelog, {"pyproject.toml", (*edits)[0].after}, {"web/package.json", (*edits)[1].after}}, entries);
  REQUIRE(legit.size() == 2);
  CHECK(legit[0].ok);
  CHECK(legit[1].ok);
  CHECK(legit[1].detail == "pyproject.toml 0.1.0 -> 0.2.0; web/package.json 0.1.0 -> 0.2.0");
  // The CHANGELOG alone still passes, with no version-file finding.
  auto alone = judge({changelog}, entries);
  REQUIRE(alone.size() == 1);
  CHECK(alone[0].ok);

  // A version file changed beyond its version string.
  std::string sneaky = (*edits)[0].after;
  sneaky.replace(sneaky.find("\"one\""), 5, "\"two\"");
  auto beyond = judge({changelog, {"pyproject.toml", sneaky}}, entries);
  REQUIRE(beyond.size() == 2);
  CHECK(beyond[0].ok);
  CHECK_FALSE(beyond[1].ok);
  CHECK(beyond[1].detail == "pyproject.toml changes more than its version string (line 4)");
  // Another version than the released one.
  std::string other = (*edits)[0].before;
  other.replace(other.find("0.1.0"), 5, "0.3.0");
  CHECK_FALSE(judge({changelog, {"pyproject.toml", other}}, entries)[1].ok);
  // A file that is not a version file.
  auto code = judge({changelog, {"app.py", "import os\n"}}, entries);
  REQUIRE(code.size() == 1);
  CHECK_FALSE(code[0].ok);
  CHECK(code[0].detail.find("changes app.py besides CHANGELOG.md and the version files") != std::string::npos);
  // A version file when the candidate configures none (or its tollgate.yaml does not load).
  CHECK_FALSE(judge({changelog, {"pyproject.toml", (*edits)[0].after}}, std::vector<Entry>{})[0].ok);
  auto unread = judge({changelog, {"pyproject.toml", (*edits)[0].after}}, fail("tollgate.yaml:1:1: broken"));
  CHECK_FALSE(unread[0].ok);
  CHECK(unread[0].detail.find("tollgate.yaml:1:1: broken") != std::string::npos);
  // No CHANGELOG change at all.
  CHECK_FALSE(judge({{"pyproject.toml", (*edits)[0].after}}, entries)[0].ok);
}

TEST_CASE("version files: a missing or irregular file is refused before anything is written", "[version_files]")
{
  test::TempDir dir;
  const auto git = git_in(dir);
  dir.write("real/package.json", "{\"version\": \"0.1.0\"}\n");
  git("add -A");
  test::sh("ln -s real/package.json " + test::quote(dir.path().string() + "/package.json"));
  git("add -A");
  git("commit -q -m candidate");
  auto repo = git::Repository::open(dir.path());
  REQUIRE(repo);
  const git::Oid candidate = *git::resolve_commit(*repo, "HEAD");
  auto missing = plan_edits(*repo, candidate, {*make_entry("pyproject.toml", "", "tollgate.yaml:5:7")}, "0.2.0");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message ==
        "tollgate.yaml:5:7: version file `pyproject.toml` does not exist at " + candidate.short_hex());
  auto link = plan_edits(*repo, candidate, {*make_entry("package.json", "", "tollgate.yaml:6:7")}, "0.2.0");
  REQUIRE_FALSE(link);
  CHECK(link.error().message.find("is not a regular file") != std::string::npos);
}
