// Listing refs under a prefix: the packed-refs binary search and the loose refs agree with
// libgit2's full listing, whatever mix of packed and loose refs a repository holds.

#include "git/objects.hpp"
#include "git/refs.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

using namespace tollgate;

namespace {

std::vector<std::string> names(const std::vector<git::Ref>& refs)
{
  std::vector<std::string> result;
  for (const auto& ref : refs) {
    result.push_back(ref.name + " " + ref.target.hex());
  }
  return result;
}

} // namespace

TEST_CASE("refs under a prefix: packed, loose and both", "[git]")
{
  test::TempDir dir;
  const std::string repo_path = dir.path().string();
  const auto git = [&](const std::string& args) { return test::sh("git -C " + test::quote(repo_path) + " " + args); };
  git("init -q -b main");
  git("-c user.name=A -c user.email=a@example.com commit -q --allow-empty -m one");
  git("-c user.name=A -c user.email=a@example.com commit -q --allow-empty -m two");
  const std::string one = git("rev-parse HEAD~1").substr(0, 40);
  const std::string two = git("rev-parse HEAD").substr(0, 40);
  // Neighbours on both sides of the prefix, in many directories, then packed.
  std::string updates;
  for (int i = 0; i < 300; ++i) {
    updates += fmt::format("create refs/tollgate/approvals/{:04}/a {}\n", i, i % 2 == 0 ? one : two);
    updates += fmt::format("create refs/tollgate/approvals/{:04}/b {}\n", i, two);
  }
  updates += "create refs/tollgate/approvals/0150-x " + one + "\n"; // sorts just before the prefix
  updates += "create refs/tollgate/approvalsX/0150/a " + one + "\n";
  updates += "create refs/tags/v1 " + one + "\n";
  test::TempDir scratch;
  const auto file = scratch.write("updates", updates);
  git("update-ref --stdin < " + test::quote(file.string()));
  git("pack-refs --all");
  // Loose refs after packing: one new, one overriding a packed one, one deleted.
  git("update-ref refs/tollgate/approvals/0150/c " + one);
  git("update-ref refs/tollgate/approvals/0150/a " + two);
  git("update-ref -d refs/tollgate/approvals/0151/b");

  auto repo = git::Repository::open(dir.path());
  REQUIRE(repo);
  for (const std::string prefix :
       {"refs/tollgate/approvals/0150/", "refs/tollgate/approvals/0000/", "refs/tollgate/approvals/0299/",
        "refs/tollgate/approvals/0151/", "refs/tollgate/approvals/9999/", "refs/tollgate/approvals/"}) {
    INFO(prefix);
    auto fast = git::list_refs_under(*repo, prefix);
    auto full = git::list_refs(*repo, prefix + "*");
    REQUIRE(fast);
    REQUIRE(full);
    CHECK(names(*fast) == names(*full));
  }
  auto some = git::list_refs_under(*repo, "refs/tollgate/approvals/0150/");
  REQUIRE(some);
  CHECK(some->size() == 3);
  auto none = git::list_refs_under(*repo, "refs/nothing/");
  REQUIRE(none);
  CHECK(none->empty());
}
