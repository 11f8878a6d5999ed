// Grouping commits into sections and the bump they call for, on in-memory changes: display and bump
// are separate settings, reverts cancel their target (by sha, else by title), hidden scopes.

#include "changelog/sections.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace tollgate;
using namespace tollgate::changelog;

namespace {

// A change whose id is `n` repeated (hex `0n0n...`), so reverts can name it.
Change change(unsigned char n, const std::string& message)
{
  git_oid raw{};
  std::memset(raw.id, n, sizeof(raw.id));
  Change c;
  c.id = git::Oid(raw);
  c.message = parse_message(message);
  return c;
}

std::vector<std::string> listed(const std::vector<Change>& changes, const Grouping& grouping)
{
  std::vector<std::string> out;
  for (const auto& section : grouping.sections) {
    for (const std::size_t i : section.changes) {
      out.push_back(section.title + ": " + changes[i].message.description);
    }
  }
  return out;
}

} // namespace

TEST_CASE("changelog sections: shown types that do not bump, and bumping types", "[changelog][sections]")
{
  const std::vector<Change> quiet = {change(1, "refactor: split"), change(2, "docs: usage"),  change(3, "chore: tidy"),
                                     change(4, "ci: cache"),       change(5, "build: cmake"), change(6, "test: more")};
  const Grouping shown = group_changes(quiet, {});
  CHECK(shown.bump == Bump::none); // semantic-release and release-please cut no release for these
  CHECK(listed(quiet, shown) == std::vector<std::string>{"Changed: split"});

  Settings commitizen;
  commitizen.bump = commitizen_bumps();
  CHECK(group_changes(quiet, commitizen).bump == Bump::patch); // commitizen bumps refactor

  CHECK(group_changes({change(1, "perf: faster")}, {}).bump == Bump::patch);
  CHECK(group_changes({change(1, "feat: x"), change(2, "fix: y")}, {}).bump == Bump::minor);
  CHECK(group_changes({change(1, "chore!: drop node 18")}, {}).bump == Bump::major);
  // Hidden from the changelog yet bumping: the release happens, its section does not list it.
  Settings hidden;
  for (auto& [type, title] : hidden.types) {
    if (type == "perf") {
      title.clear();
    }
  }
  const std::vector<Change> perf = {change(1, "perf: faster")};
  const Grouping g = group_changes(perf, hidden);
  CHECK(g.bump == Bump::patch);
  CHECK(g.listed == 0);
}

TEST_CASE("changelog sections: a revert cancels its target by sha, else by title; a lone revert is a patch",
          "[changelog][sections]")
{
  const std::vector<Change> by_sha = {
      change(3, "Revert \"feat!: drop the API\" (#30)\n\nThis reverts commit 0101010101010101.\n"),
      change(2, "fix: crash"), change(1, "feat!: drop the API")};
  const Grouping g = group_changes(by_sha, {});
  CHECK(g.bump == Bump::patch); // the breaking change is gone, so is its major bump
  CHECK(listed(by_sha, g) == std::vector<std::string>{"Fixed: crash"});

  const std::vector<Change> by_title = {change(2, "Revert \"feat: add x (#10)\" (#11)"),
                                        change(1, "feat: add x (#10)")};
  CHECK(group_changes(by_title, {}).listed == 0);
  CHECK(group_changes(by_title, {}).bump == Bump::none);

  // Its target released before: the revert alone is a patch release, listed under Removed.
  const std::vector<Change> alone = {change(2, "Revert \"feat: add x\" (#11)\n\nThis reverts commit 0909090909.\n")};
  const Grouping lone = group_changes(alone, {});
  CHECK(lone.bump == Bump::patch);
  CHECK(listed(alone, lone) == std::vector<std::string>{"Removed: feat: add x (#11)"});

  // Revert of a revert (git 2.43+: `Reapply "..."`) in range with the first revert: both drop, the
  // original stays.
  const std::string again = GENERATE(as<std::string>{}, "Revert \"Revert \"feat: x\"\"", "Reapply \"feat: x\"");
  const std::vector<Change> nested = {change(3, again + "\n\nThis reverts commit 0202020202.\n"),
                                      change(2, "Revert \"feat: x\"\n\nThis reverts commit 0101010101.\n"),
                                      change(1, "feat: x")};
  const Grouping back = group_changes(nested, {});
  CHECK(back.bump == Bump::minor);
  CHECK(listed(nested, back) == std::vector<std::string>{"Added: x"});
}

TEST_CASE("changelog sections: git's Reapply \"...\" is the revert of a revert", "[changelog][sections]")
{
  // The revert released before: the change is back with its own type and bump.
  const std::vector<Change> alone = {change(3, "Reapply \"feat!: x\" (#7)\n\nThis reverts commit 0202020202.\n")};
  const Grouping again = group_changes(alone, {});
  CHECK(again.bump == Bump::major);
  CHECK(listed(alone, again) == std::vector<std::string>{"Added: x (#7)"});
  // Its revert (`Revert "Reapply "..."`) in range cancels it by title when no sha is named.
  const std::vector<Change> undone = {change(4, "Revert \"Reapply \"feat: x\"\""), change(3, "Reapply \"feat: x\"")};
  CHECK(group_changes(undone, {}).listed == 0);
  CHECK(group_changes(undone, {}).bump == Bump::none);
}

TEST_CASE("changelog sections: hidden scopes hide what does not bump", "[changelog][sections]")
{
  Settings settings;
  settings.hide_scopes = {"deps"};
  settings.types.emplace_back("chore", "Maintenance");
  const std::vector<Change> changes = {change(1, "chore(deps): bump a"), change(2, "chore(deps-dev): bump b"),
                                       change(3, "fix(deps): bump c"), change(4, "chore: tidy")};
  const Grouping g = group_changes(changes, settings);
  CHECK(listed(changes, g) == std::vector<std::string>{"Fixed: bump c", "Maintenance: tidy"});
  CHECK(g.bump == Bump::patch);
}
