// Snapshots (DESIGN.md §7.1) of real repositories: the same files as `git archive`, a throwaway
// `.git` that git itself finds clean, hostile trees that try to write outside, and removal of what a
// hostile check leaves behind.

#include "core/checklist/snapshot.hpp"

#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

using namespace tollgate;
namespace fs = std::filesystem;

namespace {

struct Repo {
  test::TempDir dir;
  std::string git(const std::string& args) const
  {
    return test::sh("git -C " + test::quote(dir.path().string()) + " -c user.name=Ann -c user.email=ann@example.com " +
                    args);
  }
  std::string head() const { return git("rev-parse HEAD").substr(0, 40); }
};

git::Oid oid(const std::string& hex)
{
  auto parsed = git::Oid::parse(hex.substr(0, 40));
  REQUIRE(parsed);
  return *parsed;
}

git::Repository open(const Repo& repo)
{
  auto opened = git::Repository::open(repo.dir.path());
  REQUIRE(opened);
  return std::move(*opened);
}

// Every entry below `root` but `.git`: "f <exec> <content>", "l <target>" or "d".
std::map<std::string, std::string> listing(const fs::path& root)
{
  std::map<std::string, std::string> entries;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const auto relative = it->path().lexically_relative(root).string();
    if (relative == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    const auto status = it->symlink_status();
    if (fs::is_symlink(status)) {
      entries[relative] = "l " + fs::read_symlink(it->path()).string();
    } else if (fs::is_directory(status)) {
      entries[relative] = "d";
    } else {
      const bool exec = (status.permissions() & fs::perms::owner_exec) != fs::perms::none;
      entries[relative] = fmt::format("f {} {}", exec, test::read_file(it->path()));
    }
  }
  return entries;
}

// A repository with nested directories, an executable, symlinks inside and to outside, odd names
// and a submodule entry.
void fill(const Repo& repo)
{
  repo.git("init -q -b main");
  repo.dir.write("README.md", "# readme\n");
  repo.dir.write("src/a/b/deep.txt", "deep\n");
  repo.dir.write("src/main.cpp", "int main() {}\n");
  repo.dir.write("src/a.txt", "a.txt sorts before a/\n");
  repo.dir.write("bin/run.sh", "#!/bin/sh\necho run\n");
  repo.dir.write("with space/and 'quote'.txt", "odd\n");
  fs::permissions(repo.dir.path() / "bin/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("src/main.cpp", repo.dir.path() / "link-to-main");
  fs::create_symlink("/etc", repo.dir.path() / "etc-link");
  fs::create_symlink("../..", repo.dir.path() / "src/up");
  repo.git("add -A");
  repo.git("update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,vendor/sub");
  fs::create_directories(repo.dir.path() / "vendor/sub"); // as a clone without the submodule has it
  repo.git("commit -q -m one");
}

} // namespace

TEST_CASE("snapshot: the files of git archive, and a .git that git finds clean", "[core][snapshot]")
{
  Repo repo;
  fill(repo);
  repo.dir.write("dirty.txt", "not committed\n");
  repo.dir.write("README.md", "edited in the work tree\n");
  const auto commit = oid(repo.head());
  auto snapshot = core::make_snapshot(open(repo), commit, {});
  REQUIRE(snapshot);
  const fs::path root = snapshot->root();
  CHECK(snapshot->git_dir() == root / ".git");
  CHECK(snapshot->commit() == commit);
  CHECK(root.filename().string().starts_with("tollgate-snapshot-"));
  CHECK((fs::status(root).permissions() & fs::perms::all) == fs::perms::owner_all);

  test::TempDir archive;
  test::sh("git -C " + test::quote(repo.dir.path().string()) + " archive HEAD | tar -x -C " +
           test::quote(archive.path().string()));
  CHECK(listing(root) == listing(archive.path()));
  CHECK(fs::is_directory(root / "vendor/sub"));
  CHECK(fs::is_empty(root / "vendor/sub"));
  CHECK(fs::read_symlink(root / "etc-link") == "/etc");

  const auto in_snapshot = [&](const std::string& args) {
    return test::sh("git -C " + test::quote(root.string()) + " " + args);
  };
  CHECK(in_snapshot("status --porcelain").empty());
  CHECK(in_snapshot("log -1 --format=%H").substr(0, 40) == commit.hex());
  CHECK(in_snapshot("rev-parse --show-toplevel").substr(0, root.string().size()) == root.string());
  CHECK(in_snapshot("ls-files") == repo.git("ls-tree -r --name-only HEAD"));
  CHECK(test::sh_status("git -C " + test::quote(root.string()) + " diff --quiet") == 0);
  CHECK(test::sh_status("git -C " + test::quote(root.string()) + " diff --cached --quiet") == 0);
  CHECK(in_snapshot("for-each-ref").empty());
  CHECK(in_snapshot("rev-parse --git-path objects/info/alternates").find("alternates") != std::string::npos);
  CHECK(test::read_file(root / ".git/objects/info/alternates") == repo.dir.path().string() + "/.git/objects\n");

  // Nothing of the snapshot reached the real repository.
  CHECK(repo.git("status --porcelain") == " M README.md\n?? dirty.txt\n");

  snapshot = core::make_snapshot(open(repo), commit, {}); // the old one is removed on assignment
  REQUIRE(snapshot);
  CHECK(!fs::exists(root));
  CHECK(snapshot->root() != root);
}

TEST_CASE("snapshot: hostile trees write nothing outside and leave nothing behind", "[core][snapshot]")
{
  Repo repo;
  repo.git("init -q -b main");
  test::TempDir outside;
  test::TempDir holder; // `../..` from a snapshot's top directory
  const fs::path scratch = holder.path() / "scratch";
  fs::create_directory(scratch);
  const std::string file = repo.git("hash-object -w --stdin </dev/null").substr(0, 40);
  const auto mktree = [&](const std::string& lines) {
    return repo.git("mktree <<'EOF'\n" + lines + "EOF").substr(0, 40);
  };
  const std::string inner = mktree(fmt::format("100644 blob {}\tb\n", file));
  const std::string target = (outside.path() / "x").string();
  fs::create_directory(target);
  // `printf` keeps a symlink target free of a trailing newline.
  const std::string link_blob = test::sh("printf %s " + test::quote(target) + " | git -C " +
                                         test::quote(repo.dir.path().string()) + " hash-object -w --stdin")
                                    .substr(0, 40);
  const std::string up_blob =
      test::sh("printf %s ../.. | git -C " + test::quote(repo.dir.path().string()) + " hash-object -w --stdin")
          .substr(0, 40);

  const std::vector<std::pair<std::string, std::string>> trees = {
      {"symlink then directory", fmt::format("120000 blob {}\ta\n040000 tree {}\ta\n", link_blob, inner)},
      {"directory then symlink", fmt::format("040000 tree {}\ta\n120000 blob {}\ta\n", inner, link_blob)},
      {"symlink up then directory", fmt::format("120000 blob {}\ta\n040000 tree {}\ta\n", up_blob, inner)},
      {"a .git directory",
       fmt::format("040000 tree {}\t.git\n", mktree(fmt::format("100644 blob {}\tconfig\n", file)))},
      {"a .GIT directory", fmt::format("040000 tree {}\t.GIT\n", inner)},
      {"a .. entry", fmt::format("040000 tree {}\t..\n", inner)},
      {"two files with one name", fmt::format("100644 blob {}\tf\n100644 blob {}\tf\n", file, file)},
  };
  for (const auto& [name, lines] : trees) {
    INFO(name);
    const std::string tree = mktree(lines);
    const std::string commit = repo.git("commit-tree -m hostile " + tree).substr(0, 40);
    core::SnapshotOptions options;
    options.scratch_base = scratch;
    auto snapshot = core::make_snapshot(open(repo), oid(commit), options);
    CHECK(!snapshot);
    CHECK(fs::is_empty(target));
    CHECK(fs::is_empty(scratch));
    CHECK(std::distance(fs::directory_iterator(holder.path()), fs::directory_iterator()) == 1);
  }
}

TEST_CASE("snapshot: removal survives what a check leaves and never goes outside", "[core][snapshot]")
{
  Repo repo;
  fill(repo);
  test::TempDir outside;
  const auto kept = outside.write("keep/me.txt", "precious\n");
  auto snapshot = core::make_snapshot(open(repo), oid(repo.head()), {});
  REQUIRE(snapshot);
  const fs::path root = snapshot->root();
  // What a hostile check could leave: symlinks to outside, read-only and unreadable directories,
  // a tree far deeper than a descriptor budget.
  fs::create_directory_symlink(outside.path() / "keep", root / "src/escape");
  fs::create_symlink(kept, root / "escape-file");
  fs::create_directories(root / "ro/inner");
  test::sh("echo x > " + test::quote((root / "ro/inner/file").string()));
  fs::permissions(root / "ro/inner", fs::perms::owner_read | fs::perms::owner_exec);
  fs::permissions(root / "ro", fs::perms::none);
  fs::path deep = root / "deep";
  for (int i = 0; i < 150; ++i) {
    deep /= "d";
  }
  fs::create_directories(deep);
  test::sh("echo x > " + test::quote((deep / "leaf").string()));
  fs::permissions(root / "src", fs::perms::owner_read | fs::perms::owner_exec);

  {
    const core::Snapshot gone = std::move(*snapshot);
  }
  CHECK(snapshot->root().empty());
  CHECK(!fs::exists(fs::symlink_status(root)));
  CHECK(test::read_file(kept) == "precious\n");
  CHECK(fs::exists(outside.path() / "keep"));

  // A symlink planted in place of the snapshot directory: only the link goes.
  fs::create_directory_symlink(outside.path() / "keep", root);
  CHECK(core::remove_tree(root));
  CHECK(!fs::exists(fs::symlink_status(root)));
  CHECK(test::read_file(kept) == "precious\n");
}

TEST_CASE("snapshot: everything belongs to the owner", "[core][snapshot]")
{
  if (::geteuid() != 0) {
    WARN("skipped: needs root to give files away");
    return;
  }
  Repo repo;
  fill(repo);
  core::SnapshotOptions options;
  options.owner = 65534;
  options.group = 65534;
  auto snapshot = core::make_snapshot(open(repo), oid(repo.head()), options);
  REQUIRE(snapshot);
  struct stat st {};
  REQUIRE(::lstat(snapshot->root().c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  std::vector<std::string> wrong;
  for (const auto& entry : fs::recursive_directory_iterator(snapshot->root())) {
    REQUIRE(::lstat(entry.path().c_str(), &st) == 0);
    if (st.st_uid != 65534 || st.st_gid != 65534) {
      wrong.push_back(entry.path().string());
    }
  }
  CHECK(wrong.empty());
  const fs::path root = snapshot->release();
  CHECK(snapshot->root().empty());
  CHECK(fs::exists(root / ".git/index"));
  CHECK(core::remove_tree(root));
  CHECK(!fs::exists(root));
}

// Not run by ctest: `bench/snapshot.sh` runs it against a repository it makes (TOLLGATE_BENCH_REPO).
TEST_CASE("snapshot: export time", "[.bench]")
{
  const char* path = std::getenv("TOLLGATE_BENCH_REPO");
  if (path == nullptr) {
    WARN("skipped: TOLLGATE_BENCH_REPO is not set");
    return;
  }
  const char* runs_text = std::getenv("TOLLGATE_BENCH_RUNS");
  const int runs = runs_text != nullptr ? std::atoi(runs_text) : 20;
  auto repo = git::Repository::open(path);
  REQUIRE(repo);
  const auto commit = oid(test::sh("git -C " + test::quote(path) + " rev-parse HEAD"));
  std::vector<double> make_ms;
  std::vector<double> remove_ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto snapshot = core::make_snapshot(*repo, commit, {});
    const auto made = std::chrono::steady_clock::now();
    REQUIRE(snapshot);
    {
      const core::Snapshot gone = std::move(*snapshot);
    }
    const auto removed = std::chrono::steady_clock::now();
    make_ms.push_back(std::chrono::duration<double, std::milli>(made - start).count());
    remove_ms.push_back(std::chrono::duration<double, std::milli>(removed - made).count());
  }
  const auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  fmt::print("make_snapshot median {:.2f} ms, removal median {:.2f} ms ({} runs)\n", median(make_ms), median(remove_ms),
             runs);
}
