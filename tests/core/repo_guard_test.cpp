// The repository guard (DESIGN.md §7.5) on real repositories: each kind of change a check could make
// to the judge is named, an untouched repository reports nothing, and a capture is fast.

#include "core/checklist/repo_guard.hpp"

#include "checks/registry.hpp"
#include "core/checklist/judging.hpp"
#include "core/config/config.hpp"

#include "support/env_var.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

using namespace tollgate;
namespace fs = std::filesystem;

namespace {

struct Repo {
  test::TempDir dir;
  Repo()
  {
    git("init -q -b main");
    git("commit -q --allow-empty -m one");
    git("commit -q --allow-empty -m two");
    git("tag -a v1 -m v1 HEAD~1");
    git("update-ref refs/tollgate/approvals/old/f HEAD~1");
    git("pack-refs --all");
    git("update-ref refs/heads/loose HEAD");
  }
  std::string git(const std::string& args) const
  {
    return test::sh("git -C " + test::quote(dir.path().string()) + " -c user.name=Ann -c user.email=ann@example.com " +
                    args + " 2>&1");
  }
  fs::path git_dir() const { return dir.path() / ".git"; }
  std::string rev(const std::string& name) const { return git("rev-parse " + name).substr(0, 7); }
};

} // namespace

TEST_CASE("repo guard: an untouched repository reports nothing", "[core][repo_guard]")
{
  Repo repo;
  repo.dir.write(".git/hooks/pre-push", "#!/bin/sh\n");
  fs::create_directories(repo.git_dir() / "tollgate/logs");
  const auto before = core::capture_repo_state(repo.git_dir());
  CHECK(before.loose_refs.contains("HEAD"));
  CHECK(before.loose_refs.contains("refs/heads/loose"));
  REQUIRE(before.packed_refs);
  CHECK(before.files.contains("config"));
  CHECK(before.files.contains("hooks/pre-push"));
  CHECK(before.files.contains("info/exclude"));
  // Reading the repository (and tollgate writing its logs) changes nothing that counts.
  repo.git("log --oneline");
  repo.git("status");
  repo.dir.write(".git/tollgate/logs/run-1/check.log", "output\n");
  CHECK(core::compare(before, core::capture_repo_state(repo.git_dir())).empty());
}

TEST_CASE("repo guard: each change a check could make is named", "[core][repo_guard]")
{
  Repo repo;
  const std::string one = repo.rev("HEAD~1");
  const std::string two = repo.rev("HEAD");
  const auto before = core::capture_repo_state(repo.git_dir());
  std::vector<std::string> expected;

  SECTION("a new loose ref")
  {
    repo.git("update-ref refs/tollgate/approvals/abc/fpr HEAD");
    expected = {"ref refs/tollgate/approvals/abc/fpr was created at " + two};
  }
  SECTION("a loose ref moved")
  {
    repo.git("update-ref refs/heads/loose HEAD~1");
    expected = {"refs/heads/loose moved from " + two + " to " + one};
  }
  SECTION("a packed ref moved (a loose ref written over it)")
  {
    repo.git("update-ref refs/heads/main HEAD~1");
    expected = {"refs/heads/main moved from " + two + " to " + one};
  }
  SECTION("a packed ref moved (packed-refs rewritten)")
  {
    const auto path = repo.git_dir() / "packed-refs";
    std::string text = test::read_file(path);
    const std::string full_two = repo.git("rev-parse HEAD").substr(0, 40);
    const std::string full_one = repo.git("rev-parse HEAD~1").substr(0, 40);
    const auto at = text.find(full_two + " refs/heads/main");
    REQUIRE(at != std::string::npos);
    text.replace(at, 40, full_one);
    repo.dir.write(".git/packed-refs", text);
    expected = {"refs/heads/main moved from " + two + " to " + one};
  }
  SECTION("a packed ref deleted")
  {
    repo.git("update-ref -d refs/tollgate/approvals/old/f");
    expected = {"ref refs/tollgate/approvals/old/f was deleted (it was at " + one + ")"};
  }
  SECTION("a tag's peeled value changed")
  {
    repo.git("tag -f -a v1 -m again HEAD");
    repo.git("pack-refs --all");
    const auto after = core::compare(before, core::capture_repo_state(repo.git_dir()));
    REQUIRE(after.size() == 2); // the tag object and its peeled commit (refs/heads/loose packed: no change)
    CHECK(after[0].starts_with("refs/tags/v1 moved from "));
    CHECK(after[1] == "refs/tags/v1^{} moved from " + one + " to " + two);
    return;
  }
  SECTION("refs packed: no ref changed, the file did")
  {
    repo.git("pack-refs --all");
    expected = {"`.git/packed-refs` changed"};
  }
  SECTION("HEAD switched")
  {
    repo.git("symbolic-ref HEAD refs/heads/loose");
    expected = {"HEAD moved from `ref: refs/heads/main` to `ref: refs/heads/loose`"};
  }
  SECTION("config edited")
  {
    repo.git("config core.hooksPath /tmp/elsewhere");
    expected = {"`.git/config` changed"};
  }
  SECTION("a hook added")
  {
    repo.dir.write(".git/hooks/pre-push", "#!/bin/sh\n");
    expected = {"`.git/hooks/pre-push` was added"};
  }
  SECTION("a hook made executable")
  {
    fs::permissions(repo.git_dir() / "hooks/pre-commit.sample", fs::perms::owner_all | fs::perms::group_read,
                    fs::perm_options::replace);
    expected = {"`.git/hooks/pre-commit.sample` changed mode from 755 to 740"};
  }
  SECTION("the hooks directory replaced by a symlink")
  {
    fs::remove_all(repo.git_dir() / "hooks");
    fs::create_directory_symlink("/tmp", repo.git_dir() / "hooks");
    const auto after = core::compare(before, core::capture_repo_state(repo.git_dir()));
    REQUIRE(!after.empty());
    CHECK(std::find(after.begin(), after.end(), "`.git/hooks` changed from a directory to a symlink") != after.end());
    return;
  }
  SECTION("info/exclude edited, info/attributes added")
  {
    repo.dir.write(".git/info/exclude", "*.secret\n");
    repo.dir.write(".git/info/attributes", "* filter=evil\n");
    expected = {"`.git/info/exclude` changed", "`.git/info/attributes` was added"};
  }
  SECTION("info/attributes removed")
  {
    repo.dir.write(".git/info/attributes", "* filter=evil\n");
    const auto middle = core::capture_repo_state(repo.git_dir());
    fs::remove(repo.git_dir() / "info/attributes");
    CHECK(core::compare(middle, core::capture_repo_state(repo.git_dir())) ==
          std::vector<std::string>{"`.git/info/attributes` was removed"});
    return;
  }
  SECTION("alternates added")
  {
    repo.dir.write(".git/objects/info/alternates", "/tmp/evil/objects\n");
    expected = {"`.git/objects/info/alternates` was added"};
  }
  SECTION("tollgate's directory: a new name counts, its logs do not")
  {
    fs::create_directories(repo.git_dir() / "tollgate/logs/run");
    repo.dir.write(".git/tollgate/cache.json", "{}");
    expected = {"`.git/tollgate` was added", "`.git/tollgate/cache.json` was added"};
  }
  CHECK(core::compare(before, core::capture_repo_state(repo.git_dir())) == expected);
}

TEST_CASE("repo guard: 20000 packed refs and 100 loose ones are captured in a few ms", "[core][repo_guard]")
{
  Repo repo;
  const std::string head = repo.git("rev-parse HEAD").substr(0, 40);
  std::string updates;
  for (int i = 0; i < 20'000; ++i) {
    updates += fmt::format("create refs/tollgate/approvals/{:05}/{:040x} {}\n", i / 4, i, head);
  }
  const auto file = repo.dir.write("updates", updates);
  repo.git("update-ref --stdin < " + test::quote(file.string()));
  repo.git("pack-refs --all");
  updates.clear();
  for (int i = 0; i < 100; ++i) {
    updates += fmt::format("create refs/heads/topic/{} {}\n", i, head);
  }
  repo.dir.write("updates", updates);
  repo.git("update-ref --stdin < " + test::quote(file.string()));

  std::vector<double> ms;
  core::RepoState state;
  for (int i = 0; i < 7; ++i) {
    const auto start = std::chrono::steady_clock::now();
    state = core::capture_repo_state(repo.git_dir());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  CHECK(state.loose_refs.size() >= 101);
  WARN(fmt::format("capture_repo_state: median {:.2f} ms, best {:.2f} ms", ms[ms.size() / 2], ms.front()));
  CHECK(ms.front() < 50.0); // a few ms on an idle machine; generous for shared CI cores
  const auto start = std::chrono::steady_clock::now();
  CHECK(core::compare(state, core::capture_repo_state(repo.git_dir())).empty());
  const double compared = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  CHECK(compared < 100.0);

  repo.git("update-ref -d refs/tollgate/approvals/00007/" + fmt::format("{:040x}", 29));
  CHECK(core::compare(state, core::capture_repo_state(repo.git_dir())) ==
        std::vector<std::string>{fmt::format("ref refs/tollgate/approvals/00007/{:040x} was deleted (it was at {})", 29,
                                             head.substr(0, 7))});
}

TEST_CASE("judging: the judge's state is compared when a check runs commands, not for in-process checks",
          "[core][repo_guard]")
{
  Repo repo;
  const auto judge = [&](const std::string& checks_yaml) {
    auto config = core::parse_config("checks:\n" + checks_yaml, "tollgate.yaml");
    REQUIRE(config);
    std::vector<std::unique_ptr<checks::Check>> list;
    for (const auto& spec : config->checks) {
      list.push_back(checks::create(spec, "tollgate.yaml"));
    }
    checks::Context context;
    context.root = repo.dir.path();
    context.git_dir = repo.git_dir();
    context.config = &*config;
    context.limits.confine = false; // no check runs here: only the decision to guard is under test
    const core::Judging judging = core::begin_judging(context, list, nullptr, std::nullopt);
    repo.git("update-ref refs/heads/loose HEAD~1"); // what a check that ran code could have done
    auto changes = core::judge_changes(judging, context);
    repo.git("update-ref refs/heads/loose HEAD");
    return std::make_pair(judging.guarded, changes);
  };
  // A command check: guarded, and the moved ref fails the run.
  const auto [guarded, changes] = judge("  - command: {id: unit, run: 'true'}\n");
  CHECK(guarded);
  REQUIRE(changes.size() == 1);
  CHECK_THAT(changes.front(), Catch::StartsWith("refs/heads/loose moved from"));
  // Only in-process checks: nothing of the candidate's runs, nothing is recorded or compared.
  const auto [in_process, none] = judge("  - approvals: {}\n  - sandbox-limits: {}\n");
  CHECK_FALSE(in_process);
  CHECK(none.empty());
}

TEST_CASE("judging: a head start's snapshot is judged when it is of the commit, and removed when it is not used",
          "[core][repo_guard][snapshot]")
{
  Repo repo;
  test::TempDir scratch;
  const test::EnvVar tmpdir("TMPDIR");
  tmpdir.set(scratch.path().string()); // where snapshots are made
  const auto snapshots = [&] {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(scratch.path())) {
      if (entry.path().filename().string().starts_with("tollgate-snapshot-")) {
        found.push_back(entry.path());
      }
    }
    return found;
  };
  auto config = core::parse_config("checks:\n  - approvals: {}\n", "tollgate.yaml");
  REQUIRE(config);
  std::vector<std::unique_ptr<checks::Check>> list;
  list.push_back(checks::create(config->checks.front(), "tollgate.yaml"));
  auto opened = git::Repository::open(repo.dir.path());
  REQUIRE(opened);
  proc::Limits limits;
  limits.confine = false; // the probe is not under test
  const auto head = git::Oid::parse(repo.git("rev-parse HEAD").substr(0, 40));
  const auto before = git::Oid::parse(repo.git("rev-parse HEAD~1").substr(0, 40));
  REQUIRE(head);
  REQUIRE(before);
  const auto judge = [&](core::JudgingHeadStart& head_start, const git::Oid& commit) {
    checks::Context context;
    context.root = repo.dir.path();
    context.git_dir = repo.git_dir();
    context.config = &*config;
    context.limits = limits;
    core::Judging judging = core::begin_judging(context, list, &*opened, commit, &head_start);
    REQUIRE(judging.snapshot);
    CHECK(context.root == judging.snapshot->root());
    CHECK(test::read_file(judging.snapshot->git_dir() / "HEAD") == commit.hex() + "\n");
    return judging;
  };
  {
    // Of the commit judged: its snapshot is the one the checks run on, and the only one made.
    core::JudgingHeadStart head_start(repo.git_dir(), *head, limits);
    const core::Judging judging = judge(head_start, *head);
    CHECK(snapshots() == std::vector<fs::path>{judging.snapshot->root()});
    CHECK_FALSE(head_start.take_snapshot()); // taken once
  }
  CHECK(snapshots().empty());
  {
    // Of another commit (the guess was wrong): a snapshot of the commit judged is made instead; the
    // head start's is left untaken, and removed with it.
    core::JudgingHeadStart head_start(repo.git_dir(), *before, limits);
    const core::Judging judging = judge(head_start, *head);
    auto guessed = head_start.take_snapshot(); // waits for the export
    REQUIRE(guessed);
    CHECK(guessed->commit() == *before);
    CHECK(guessed->root() != judging.snapshot->root());
    CHECK(snapshots().size() == 2);
  }
  CHECK(snapshots().empty());
  {
    // Dropped unused, as when a promotion is refused before its checks.
    const core::JudgingHeadStart head_start(repo.git_dir(), *head, limits);
  }
  CHECK(snapshots().empty());
}
