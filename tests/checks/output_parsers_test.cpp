// The outputs below were produced by pytest 7.2.1 and pre-commit 3.0.4 in temporary directories,
// then trimmed to the lines that matter.

#include "checks/output_parsers.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tollgate;

namespace {

checks::PytestSummary parse_pytest(const std::string& output)
{
  auto summary = checks::parse_pytest_output(output);
  INFO(output);
  REQUIRE(summary.has_value());
  return *summary;
}

} // namespace

TEST_CASE("pytest -q: all passed", "[parsers]")
{
  const auto summary = parse_pytest("..                                                                       [100%]\n"
                                    "2 passed in 0.01s\n");
  CHECK(summary.count("passed") == 2);
  CHECK(summary.count("failed") == 0);
  CHECK(summary.counts.size() == 1);
  REQUIRE(summary.seconds.has_value());
  CHECK(*summary.seconds == Approx(0.01));
  CHECK(summary.line == "2 passed");
}

TEST_CASE("pytest -q: failures, passes and skips", "[parsers]")
{
  const auto summary = parse_pytest(R"(F.s.                                                                     [100%]
=================================== FAILURES ===================================
__________________________________ test_fail ___________________________________

    def test_fail(): assert 1 == 2
E   assert 1 == 2

test_a.py:4: AssertionError
=========================== short test summary info ============================
FAILED test_a.py::test_fail - assert 1 == 2
1 failed, 2 passed, 1 skipped in 0.05s
)");
  CHECK(summary.count("failed") == 1);
  CHECK(summary.count("passed") == 2);
  CHECK(summary.count("skipped") == 1);
  REQUIRE(summary.seconds.has_value());
  CHECK(*summary.seconds == Approx(0.05));
  CHECK(summary.line == "1 failed, 2 passed, 1 skipped");
}

TEST_CASE("pytest without -q: the summary between rules", "[parsers]")
{
  const auto summary =
      parse_pytest("test_a.py ...                                                            [100%]\n"
                   "\n"
                   "=============================== warnings summary ===============================\n"
                   "test_a.py::test_warn\n"
                   "  UserWarning: w\n"
                   "\n"
                   "======================== 3 passed, 1 warning in 1.20s =========================\n");
  CHECK(summary.count("passed") == 3);
  CHECK(summary.count("warning") == 1);
  REQUIRE(summary.seconds.has_value());
  CHECK(*summary.seconds == Approx(1.2));
  CHECK(summary.line == "3 passed, 1 warning");
}

TEST_CASE("pytest: the short `=== ... ===` form", "[parsers]")
{
  const auto summary = parse_pytest("=== 3 passed, 1 warning in 1.20s ===");
  CHECK(summary.count("passed") == 3);
  CHECK(summary.count("warning") == 1);
  CHECK(summary.line == "3 passed, 1 warning");
}

TEST_CASE("pytest: no tests ran", "[parsers]")
{
  const auto summary = parse_pytest("\nno tests ran in 0.00s\n");
  CHECK(summary.counts.empty());
  CHECK(summary.line == "no tests ran");
  REQUIRE(summary.seconds.has_value());
  CHECK(*summary.seconds == Approx(0.0));
}

TEST_CASE("pytest: errors, singular and plural, count under `error`", "[parsers]")
{
  SECTION("1 error")
  {
    const auto summary =
        parse_pytest("E.                                                                       [100%]\n"
                     "=========================== short test summary info ============================\n"
                     "ERROR test_a.py::test_err - RuntimeError: x\n"
                     "1 passed, 1 error in 0.10s\n");
    CHECK(summary.count("error") == 1);
    CHECK(summary.count("passed") == 1);
    CHECK(summary.count("errors") == 0);
  }
  SECTION("2 errors during collection")
  {
    const auto summary = parse_pytest(R"(E   SyntaxError: invalid syntax
=========================== short test summary info ============================
ERROR test_b.py
ERROR test_c.py
!!!!!!!!!!!!!!!!!!! Interrupted: 2 errors during collection !!!!!!!!!!!!!!!!!!!!
2 errors in 0.24s
)");
    CHECK(summary.count("error") == 2);
    CHECK(summary.counts.size() == 1);
    CHECK(summary.line == "2 errors");
  }
  SECTION("warnings plural")
  {
    const auto summary = parse_pytest("4 passed, 3 warnings in 0.30s\n");
    CHECK(summary.count("warning") == 3);
  }
}

TEST_CASE("pytest: xfailed, xpassed and deselected", "[parsers]")
{
  const auto summary =
      parse_pytest("FAILED test_a.py::test_fail - assert 1 == 2\n"
                   "ERROR test_a.py::test_err - RuntimeError: x\n"
                   "1 failed, 3 passed, 1 skipped, 1 xfailed, 1 xpassed, 1 warning, 1 error in 0.02s\n");
  CHECK(summary.count("failed") == 1);
  CHECK(summary.count("passed") == 3);
  CHECK(summary.count("skipped") == 1);
  CHECK(summary.count("xfailed") == 1);
  CHECK(summary.count("xpassed") == 1);
  CHECK(summary.count("warning") == 1);
  CHECK(summary.count("error") == 1);
  CHECK(summary.counts.size() == 7);

  const auto deselected =
      parse_pytest("..                                                                       [100%]\n"
                   "2 passed, 6 deselected in 0.01s\n");
  CHECK(deselected.count("passed") == 2);
  CHECK(deselected.count("deselected") == 6);
}

TEST_CASE("pytest: ANSI colours are ignored", "[parsers]")
{
  // pytest -q --color=yes -k ok
  const auto summary = parse_pytest(
      "\x1b[32m.\x1b[0m\x1b[32m.\x1b[0m\x1b[32m                                                                       "
      "[100%]\x1b[0m\n"
      "\x1b[32m\x1b[32m\x1b[1m2 passed\x1b[0m, \x1b[33m6 deselected\x1b[0m\x1b[32m in 0.01s\x1b[0m\x1b[0m\n");
  CHECK(summary.count("passed") == 2);
  CHECK(summary.count("deselected") == 6);
  CHECK(summary.line == "2 passed, 6 deselected");
  REQUIRE(summary.seconds.has_value());
  CHECK(*summary.seconds == Approx(0.01));

  const auto failed = parse_pytest("\x1b[31m============ \x1b[31m\x1b[1m1 failed\x1b[0m, \x1b[32m2 passed\x1b[0m"
                                   "\x1b[31m in 0.12s\x1b[0m\x1b[31m ============\x1b[0m\n");
  CHECK(failed.count("failed") == 1);
  CHECK(failed.count("passed") == 2);
}

TEST_CASE("pytest: a run over a minute has a `(h:mm:ss)` suffix", "[parsers]")
{
  const auto summary = parse_pytest("210 passed, 2 skipped in 63.20s (0:01:03)\n");
  CHECK(summary.count("passed") == 210);
  CHECK(summary.count("skipped") == 2);
  REQUIRE(summary.seconds.has_value());
  CHECK(*summary.seconds == Approx(63.2));
  CHECK(summary.line == "210 passed, 2 skipped");

  const auto ruled = parse_pytest("================= 1 failed, 9 passed in 3723.01s (1:02:03) ==================\n");
  CHECK(ruled.count("failed") == 1);
  REQUIRE(ruled.seconds.has_value());
  CHECK(*ruled.seconds == Approx(3723.01));
}

TEST_CASE("pytest: the summary is the last matching line", "[parsers]")
{
  SECTION("lines after the summary that are not summaries are ignored")
  {
    const auto summary = parse_pytest("3 passed in 0.10s\n"
                                      "Required test coverage of 80% reached. Total coverage: 91.20%\n"
                                      "\n");
    CHECK(summary.count("passed") == 3);
  }
  SECTION("a test that prints something summary-like earlier does not win")
  {
    const auto summary =
        parse_pytest("99 passed in 9.99s\n"
                     ".F                                                                       [100%]\n"
                     "1 failed, 1 passed in 0.20s\n");
    CHECK(summary.count("failed") == 1);
    CHECK(summary.count("passed") == 1);
  }
  SECTION("CRLF line endings")
  {
    const auto summary = parse_pytest("..\r\n2 passed in 0.01s\r\n");
    CHECK(summary.count("passed") == 2);
  }
}

TEST_CASE("pytest: no summary at all", "[parsers]")
{
  CHECK_FALSE(checks::parse_pytest_output("").has_value());
  CHECK_FALSE(checks::parse_pytest_output("ERROR: usage: pytest [options] [file_or_dir]\n"
                                          "pytest: error: unrecognized arguments: --bogus\n")
                  .has_value());
  CHECK_FALSE(checks::parse_pytest_output("Traceback (most recent call last):\n"
                                          "ModuleNotFoundError: No module named 'pytest'\n")
                  .has_value());
}

TEST_CASE("pre-commit: passed, failed and skipped hooks", "[parsers]")
{
  // pre-commit run --all-files with four `repo: local`, `language: system` hooks.
  const std::string output = R"(ok hook..................................................................Passed
fail.hook v1.2...........................................................Failed
- hook id: fail-hook
- exit code: 1

broken

skip hook............................................(no files to check)Skipped
verbose..................................................................Passed
- hook id: verbose-hook
- duration: 0s
)";
  const auto summary = checks::parse_pre_commit_output(output);
  CHECK(summary.passed == 2);
  CHECK(summary.failed == 1);
  CHECK(summary.skipped == 1);
  CHECK(summary.total() == 4);
  CHECK(summary.failed_hooks == std::vector<std::string>{"fail.hook v1.2"});
}

TEST_CASE("pre-commit: colour codes are ignored", "[parsers]")
{
  // PRE_COMMIT_COLOR=always
  const std::string output =
      "ok hook..................................................................\x1b[42mPassed\x1b[m\n"
      "fail.hook v1.2...........................................................\x1b[41mFailed\x1b[m\n"
      "\x1b[2m- hook id: fail-hook\x1b[m\n"
      "\x1b[2m- exit code: 1\x1b[m\n"
      "\n"
      "broken\n"
      "\n"
      "skip hook............................................(no files to check)\x1b[46;30mSkipped\x1b[m\n";
  const auto summary = checks::parse_pre_commit_output(output);
  CHECK(summary.passed == 1);
  CHECK(summary.failed == 1);
  CHECK(summary.skipped == 1);
  CHECK(summary.failed_hooks == std::vector<std::string>{"fail.hook v1.2"});
}

TEST_CASE("pre-commit: several failures, modified files and CRLF", "[parsers]")
{
  const std::string output = "trim trailing whitespace.................................................Failed\r\n"
                             "- hook id: trailing-whitespace\r\n"
                             "- exit code: 1\r\n"
                             "- files were modified by this hook\r\n"
                             "\r\n"
                             "Fixing a.txt\r\n"
                             "\r\n"
                             "check yaml...............................................................Passed\r\n"
                             "ruff.....................................................................Failed\r\n"
                             "- hook id: ruff\r\n";
  const auto summary = checks::parse_pre_commit_output(output);
  CHECK(summary.passed == 1);
  CHECK(summary.failed == 2);
  CHECK(summary.skipped == 0);
  CHECK(summary.failed_hooks == std::vector<std::string>{"trim trailing whitespace", "ruff"});
}

TEST_CASE("pre-commit: nothing that looks like a hook line", "[parsers]")
{
  const auto none = checks::parse_pre_commit_output("An error has occurred: InvalidConfigError: \n"
                                                    "==> File .pre-commit-config.yaml\n"
                                                    "Check the log at /root/.cache/pre-commit/pre-commit.log\n");
  CHECK(none.total() == 0);
  CHECK(none.failed_hooks.empty());
  CHECK(checks::parse_pre_commit_output("").total() == 0);
  // Hook output that merely contains the words is not a hook line.
  CHECK(checks::parse_pre_commit_output("Passed\nall checks Failed\n").total() == 0);
}

TEST_CASE("pre-commit: a hook name longer than the line, ending in a dot", "[parsers]")
{
  // pre-commit widens the line to fit the longest name; the name's own dot runs into the dots.
  const std::string output =
      "ok "
      "hook....................................................................................................."
      "Passed\n"
      "a very long hook name that goes on and on and on and on and on beyond eighty columns....(no files to check)"
      "Skipped\n";
  const auto summary = checks::parse_pre_commit_output(output);
  CHECK(summary.passed == 1);
  CHECK(summary.skipped == 1);
  CHECK(summary.failed == 0);
}

TEST_CASE("pytest's collected node ids, and the shard each belongs to", "[parsers][attestations]")
{
  const auto ids = checks::parse_pytest_collection("tests/test_a.py::test_one\n"
                                                   "tests/test_a.py::test_two[1-x y]\n"
                                                   "tests/test_b.py::Case::test_three\n"
                                                   "\n"
                                                   "3 tests collected in 0.01s\n");
  CHECK(ids == std::vector<std::string>{"tests/test_a.py::test_one", "tests/test_a.py::test_two[1-x y]",
                                        "tests/test_b.py::Case::test_three"});
  CHECK(checks::parse_pytest_collection("no tests ran in 0.01s\n").empty());
  // Deterministic, in range, and spread: 200 ids over 4 shards leave none empty.
  std::vector<int> sizes(4);
  for (int i = 0; i < 200; ++i) {
    const std::string id = "tests/test_x.py::test_" + std::to_string(i);
    const unsigned shard = checks::shard_of(id, 4);
    REQUIRE(shard < 4);
    CHECK(checks::shard_of(id, 4) == shard);
    ++sizes[shard];
  }
  for (const int size : sizes) {
    CHECK(size > 20);
  }
  CHECK(checks::shard_of("anything", 1) == 0);
}
