// The crash journal (DESIGN.md §5, §7.5): applied only when this user's tollgate wrote it and what
// it names is a real release. Real repositories, real objects.

#include "core/release/promotion.hpp"
#include "core/trust/promotion_record.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/signed_tag.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

using namespace tollgate;
using test::quote;
using test::sh;
namespace fs = std::filesystem;

namespace {

git::Oid oid(const std::string& text)
{
  auto parsed = git::Oid::parse(text.substr(0, 40));
  REQUIRE(parsed);
  return *parsed;
}

// A repository on `main` at `base`, with a CHANGELOG commit on top and the release and stable tag
// objects for it, none of them referenced yet: what write_release leaves before the journal.
class ReleaseRepo {
public:
  ReleaseRepo()
  {
    git("init -q -b main");
    git("config user.name 'Test Author'");
    git("config user.email author@example.com");
    git("config commit.gpgsign false");
    m_dir.write("repo/file.txt", "one\n");
    git("add -A");
    git("commit -q -m 'feat: base'");
    base = oid(git("rev-parse HEAD"));
    changelog = oid(git("commit-tree -p HEAD -m 'chore(release): 1.0.0' HEAD^{tree}"));
    auto repo = open();
    const git::Signature tagger{"Test Author", "author@example.com", 1700000000, 0};
    core::PromotionRecord record;
    record.tag = "v1.0.0";
    record.version = "1.0.0";
    record.candidate = base;
    release_tag =
        write(repo, git::tag_payload(changelog, "commit", "v1.0.0", tagger, core::format_release_message(record)));
    core::StableRecord stable;
    stable.release = "v1.0.0";
    stable.release_tag = release_tag;
    stable_tag =
        write(repo, git::tag_payload(changelog, "commit", "stable", tagger, core::format_stable_message(stable)));
  }

  fs::path path() const { return m_dir.path() / "repo"; }
  fs::path git_dir() const { return path() / ".git"; }
  fs::path journal() const { return git_dir() / "tollgate" / "promotion.json"; }
  git::Repository open() const { return *git::Repository::open(path()); }

  std::string git(const std::string& args) const
  {
    fs::create_directories(path());
    return sh("git -C " + quote(path().string()) + " " + args);
  }

  core::Journal journal_of(const git::Oid& branch_old) const
  {
    core::Journal journal;
    journal.release = "v1.0.0";
    journal.updates = {{"branch", "refs/heads/main", branch_old, changelog},
                       {"release-tag", "refs/tags/v1.0.0", std::nullopt, release_tag},
                       {"stable", "refs/tags/stable", std::nullopt, stable_tag}};
    return journal;
  }

  git::Oid base;
  git::Oid changelog;
  git::Oid release_tag;
  git::Oid stable_tag;

private:
  static git::Oid write(const git::Repository& repo, const std::string& payload)
  {
    auto id = git::write_raw(repo, payload, GIT_OBJECT_TAG);
    REQUIRE(id);
    return *id;
  }

  test::TempDir m_dir;
};

void write_text(const fs::path& path, const std::string& text)
{
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::optional<git::Oid> ref(const git::Repository& repo, const std::string& name)
{
  auto value = git::read_ref(repo, name);
  REQUIRE(value);
  return *value;
}

} // namespace

TEST_CASE("a journal written by commit_release is read back and finished", "[promotion]")
{
  const ReleaseRepo fixture;
  const auto repo = fixture.open();
  // A stale compare-and-swap value stops the application before any ref moves: the journal stays,
  // as after a crash.
  auto stopped = core::commit_release(repo, fixture.git_dir(), fixture.journal_of(fixture.changelog));
  REQUIRE_FALSE(stopped);
  CHECK_THAT(stopped.error().message, Catch::Contains("moved since"));
  auto read = core::read_journal(repo, fixture.git_dir());
  REQUIRE(read);
  REQUIRE(*read);
  CHECK((*read)->release == "v1.0.0");
  REQUIRE((*read)->updates.size() == 3);
  CHECK((*read)->updates[2].new_value == fixture.stable_tag);

  auto done = core::commit_release(repo, fixture.git_dir(), fixture.journal_of(fixture.base));
  REQUIRE(done);
  CHECK(ref(repo, "refs/heads/main") == fixture.changelog);
  CHECK(ref(repo, "refs/tags/stable") == fixture.stable_tag);
  CHECK_FALSE(fs::exists(fixture.journal()));
  auto none = core::read_journal(repo, fixture.git_dir());
  REQUIRE(none);
  CHECK_FALSE(*none);
}

TEST_CASE("a planted journal without this user's MAC is refused", "[promotion]")
{
  const ReleaseRepo fixture;
  const auto repo = fixture.open();
  fs::create_directories(fixture.journal().parent_path());
  const std::string updates =
      fmt::format(R"([{{"kind":"stable","ref":"refs/tags/stable","old":null,"new":"{}"}}])", fixture.stable_tag.hex());

  SECTION("no MAC")
  {
    write_text(fixture.journal(), fmt::format(R"({{"release":"v1.0.0","updates":{}}})", updates));
    auto read = core::read_journal(repo, fixture.git_dir());
    REQUIRE_FALSE(read);
    CHECK_THAT(read.error().message, Catch::Contains("promotion.json was not written by this user's tollgate"));
    CHECK_THAT(read.error().message, Catch::Contains("missing"));
  }
  SECTION("a wrong MAC")
  {
    write_text(fixture.journal(),
               fmt::format(R"({{"mac":"{}","release":"v1.0.0","updates":{}}})", std::string(64, '0'), updates));
    auto read = core::read_journal(repo, fixture.git_dir());
    REQUIRE_FALSE(read);
    CHECK_THAT(read.error().message, Catch::Contains("wrong"));
  }
  SECTION("a real journal, altered")
  {
    REQUIRE(core::write_journal(fixture.git_dir(), fixture.journal_of(fixture.base)));
    std::string text = test::read_file(fixture.journal());
    const auto at = text.find(fixture.changelog.hex());
    REQUIRE(at != std::string::npos);
    text.replace(at, 40, fixture.base.hex());
    write_text(fixture.journal(), text);
    CHECK_FALSE(core::read_journal(repo, fixture.git_dir()));
  }
  SECTION("a symbolic link to a real journal")
  {
    REQUIRE(core::write_journal(fixture.git_dir(), fixture.journal_of(fixture.base)));
    fs::rename(fixture.journal(), fixture.git_dir() / "elsewhere.json");
    fs::create_symlink(fixture.git_dir() / "elsewhere.json", fixture.journal());
    auto read = core::read_journal(repo, fixture.git_dir());
    REQUIRE_FALSE(read);
    CHECK_THAT(read.error().message, Catch::Contains("symbolic link"));
  }
  CHECK(ref(repo, "refs/tags/stable") == std::nullopt);
}

TEST_CASE("an authenticated journal naming a missing object or a non-release is refused", "[promotion]")
{
  const ReleaseRepo fixture;
  const auto repo = fixture.open();
  core::Journal journal = fixture.journal_of(fixture.base);

  SECTION("a new value that does not exist")
  {
    journal.updates[0].new_value = oid("0123456789abcdef0123456789abcdef01234567");
    auto refused = core::commit_release(repo, fixture.git_dir(), journal);
    REQUIRE_FALSE(refused);
    CHECK_FALSE(fs::exists(fixture.journal()));
    REQUIRE(core::write_journal(fixture.git_dir(), journal));
    auto read = core::read_journal(repo, fixture.git_dir());
    REQUIRE_FALSE(read);
    CHECK_THAT(read.error().message, Catch::Contains("does not exist"));
  }
  SECTION("stable pointed at a plain commit")
  {
    journal.updates[2].new_value = fixture.base;
    REQUIRE(core::write_journal(fixture.git_dir(), journal));
    auto read = core::read_journal(repo, fixture.git_dir());
    REQUIRE_FALSE(read);
    CHECK_THAT(read.error().message, Catch::Contains("no stable record"));
  }
  SECTION("a release tag without a promotion record")
  {
    journal.updates[1].new_value = fixture.stable_tag;
    REQUIRE(core::write_journal(fixture.git_dir(), journal));
    auto read = core::read_journal(repo, fixture.git_dir());
    REQUIRE_FALSE(read);
    CHECK_THAT(read.error().message, Catch::Contains("no promotion record"));
  }
  CHECK(ref(repo, "refs/heads/main") == fixture.base);
  CHECK(ref(repo, "refs/tags/stable") == std::nullopt);
}
