#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tollgate;
using Words = std::vector<std::string>;

TEST_CASE("edit_distance counts insertions, deletions, substitutions and adjacent swaps", "[strings]")
{
  CHECK(util::edit_distance("", "") == 0);
  CHECK(util::edit_distance("abc", "abc") == 0);
  CHECK(util::edit_distance("", "abc") == 3);
  CHECK(util::edit_distance("abc", "") == 3);
  CHECK(util::edit_distance("timeout", "timout") == 1); // deletion
  CHECK(util::edit_distance("timout", "timeout") == 1); // insertion
  CHECK(util::edit_distance("branch", "brench") == 1);  // substitution
  CHECK(util::edit_distance("checks", "chekcs") == 1);  // adjacent swap
  CHECK(util::edit_distance("ab", "ba") == 1);
  CHECK(util::edit_distance("pytest", "pytset") == 1);
  CHECK(util::edit_distance("kitten", "sitting") == 3);
  CHECK(util::edit_distance("abc", "cab") == 2); // not adjacent: two edits
  CHECK(util::edit_distance("flaw", "lawn") == 2);
}

TEST_CASE("closest_match allows about one typo per three characters", "[strings]")
{
  const std::vector<std::string> keys = {"branch", "tag_prefix", "stable_tag", "changelog", "signing_key"};

  CHECK(util::closest_match("brnch", keys) == std::optional<std::string>("branch"));
  CHECK(util::closest_match("chagnelog", keys) == std::optional<std::string>("changelog"));
  CHECK(util::closest_match("signingkey", keys) == std::optional<std::string>("signing_key"));
  CHECK_FALSE(util::closest_match("frobnicate", keys).has_value());
  CHECK_FALSE(util::closest_match("x", keys).has_value());

  SECTION("short words get one edit, but never the whole word")
  {
    const std::vector<std::string> ids = {"id", "b"};
    CHECK(util::closest_match("ix", ids) == std::optional<std::string>("id")); // 2 chars: 1 allowed
    CHECK_FALSE(util::closest_match("a", ids).has_value());                    // 1 edit = the whole word
    CHECK_FALSE(util::closest_match("xy", ids).has_value());
  }
  SECTION("the allowance grows with length and stops at three")
  {
    const std::vector<std::string> word = {"abcdefghijkl"};                           // 12 characters
    CHECK(util::closest_match("abcdefXXXjkl", word).has_value());                     // 3 edits
    CHECK_FALSE(util::closest_match("abcXXXXghijkl", word).has_value());              // 4 edits
    const std::vector<std::string> longer = {"abcdefghijklmnopqrstuvwx"};             // 24 characters
    CHECK(util::closest_match("abcdefghijklmnopqrstuXXX", longer).has_value());       // 3 edits
    CHECK_FALSE(util::closest_match("abcdefghijklmnopqrstXXXX", longer).has_value()); // still only 3
    const std::vector<std::string> six = {"abcdef"};                                  // 6 characters: 2 allowed
    CHECK(util::closest_match("abXdeY", six).has_value());
    CHECK_FALSE(util::closest_match("aXcYeZ", six).has_value());
  }
  SECTION("the closest candidate wins; on a tie, the first")
  {
    const std::vector<std::string> candidates = {"timeout", "timeouts", "time"};
    CHECK(util::closest_match("timeoutss", candidates) == std::optional<std::string>("timeouts"));
    CHECK(util::closest_match("timeoutt", candidates) == std::optional<std::string>("timeout")); // tie: the first
    const std::vector<std::string> tie = {"abcd", "abce"};
    CHECK(util::closest_match("abcf", tie) == std::optional<std::string>("abcd"));
  }
  SECTION("no candidates, no match")
  {
    CHECK_FALSE(util::closest_match("branch", std::vector<std::string>{}).has_value());
  }
}

TEST_CASE("did_you_mean formats the suggestion or nothing", "[strings]")
{
  const std::vector<std::string> keys = {"timeout", "args", "python"};
  CHECK(util::did_you_mean("timout", keys) == ", did you mean `timeout`?");
  CHECK(util::did_you_mean("pyhton", keys) == ", did you mean `python`?");
  CHECK(util::did_you_mean("coverage", keys).empty());
}

TEST_CASE("split_simple_command splits plain words", "[strings]")
{
  CHECK(util::split_simple_command("pytest") == Words{"pytest"});
  CHECK(util::split_simple_command("python check_env.py --auto-install") ==
        Words{"python", "check_env.py", "--auto-install"});
  CHECK(util::split_simple_command("  make \t -j4   test  ") == Words{"make", "-j4", "test"});
  CHECK(util::split_simple_command("ruff check .") == Words{"ruff", "check", "."});
  CHECK(util::split_simple_command("./scripts/lint.sh src/a-b_c.py") == Words{"./scripts/lint.sh", "src/a-b_c.py"});
}

TEST_CASE("split_simple_command handles quotes and backslashes like sh", "[strings]")
{
  CHECK(util::split_simple_command("echo 'a b' \"c d\"") == Words{"echo", "a b", "c d"});
  CHECK(util::split_simple_command("echo 'it''s'") == Words{"echo", "its"});
  CHECK(util::split_simple_command("echo pre'mid'post") == Words{"echo", "premidpost"});
  CHECK(util::split_simple_command("echo ''") == Words{"echo", ""});
  CHECK(util::split_simple_command("echo \"\"") == Words{"echo", ""});
  CHECK(util::split_simple_command("echo 'a|b;c>d $x *'") == Words{"echo", "a|b;c>d $x *"});
  CHECK(util::split_simple_command("echo \"a|b;c>d *\"") == Words{"echo", "a|b;c>d *"});
  CHECK(util::split_simple_command(R"(echo a\ b)") == Words{"echo", "a b"});
  CHECK(util::split_simple_command(R"(echo a\|b \$HOME)") == Words{"echo", "a|b", "$HOME"});
  CHECK(util::split_simple_command(R"(echo "a\"b")") == Words{"echo", "a\"b"});
  CHECK(util::split_simple_command(R"(echo "a\\b")") == Words{"echo", R"(a\b)"});
  CHECK(util::split_simple_command(R"(echo "a\nb")") == Words{"echo", R"(a\nb)"}); // kept, as sh does
  CHECK(util::split_simple_command(R"(echo 'a\nb')") == Words{"echo", R"(a\nb)"});
}

TEST_CASE("split_simple_command leaves `=`, `#` and `~` inside later words alone", "[strings]")
{
  CHECK(util::split_simple_command("pytest --maxfail=1 -k=slow") == Words{"pytest", "--maxfail=1", "-k=slow"});
  CHECK(util::split_simple_command("make CFLAGS=-O2") == Words{"make", "CFLAGS=-O2"});
  CHECK(util::split_simple_command("echo a#b c~d") == Words{"echo", "a#b", "c~d"});
}

TEST_CASE("split_simple_command returns nullopt for what needs a shell", "[strings]")
{
  const std::string line = GENERATE(as<std::string>{},
                                    "pytest | tee log",    // pipe
                                    "pytest > log",        // redirection
                                    "pytest < input",      // redirection
                                    "pytest 2>&1",         // redirection
                                    "echo $HOME",          // variable
                                    "echo ${HOME}",        // variable
                                    "echo \"$HOME\"",      // variable in double quotes
                                    "echo `date`",         // command substitution
                                    "echo \"`date`\"",     // command substitution in double quotes
                                    "echo $(date)",        // command substitution
                                    "ls *.py",             // glob
                                    "ls test_?.py",        // glob
                                    "ls [ab].py",          // glob
                                    "echo {a,b}",          // brace expansion
                                    "make; make test",     // list
                                    "make && make test",   // and-list
                                    "make || true",        // or-list
                                    "sleep 1 &",           // background
                                    "(cd src && make)",    // subshell
                                    "FOO=1 cmd",           // leading assignment
                                    "FOO=1",               // assignment only
                                    "echo ~/x",            // tilde expansion
                                    "echo hi # comment",   // comment
                                    "! false",             // negation
                                    "echo 'unterminated",  // open quote
                                    "echo \"unterminated", // open double quote
                                    "echo trailing\\",     // trailing backslash
                                    "echo a\nb",           // two lines
                                    "",                    // nothing to run
                                    "   \t ");
  INFO("line: " << line);
  CHECK_FALSE(util::split_simple_command(line).has_value());
}

TEST_CASE("tail_lines returns the last n lines", "[strings]")
{
  CHECK(util::tail_lines("a\nb\nc\nd\n", 2) == "c\nd");
  CHECK(util::tail_lines("a\nb\nc\nd", 2) == "c\nd");
  CHECK(util::tail_lines("a\nb\nc\nd\n", 1) == "d");
  SECTION("fewer lines than n: everything, without the trailing newline")
  {
    CHECK(util::tail_lines("a\nb\n", 5) == "a\nb");
    CHECK(util::tail_lines("a\nb", 2) == "a\nb");
    CHECK(util::tail_lines("only", 3) == "only");
  }
  SECTION("n = 0 and empty input")
  {
    CHECK(util::tail_lines("a\nb\n", 0).empty());
    CHECK(util::tail_lines("", 3).empty());
    CHECK(util::tail_lines("\n", 3).empty());
  }
  SECTION("empty lines count as lines")
  {
    CHECK(util::tail_lines("a\n\nb\n", 2) == "\nb");
    CHECK(util::tail_lines("a\nb\n\n", 1).empty());
  }
}

TEST_CASE("split_lines splits on LF and drops a CR before it", "[strings]")
{
  CHECK(util::split_lines("") == Words{});
  CHECK(util::split_lines("a") == Words{"a"});
  CHECK(util::split_lines("a\n") == Words{"a"});
  CHECK(util::split_lines("a\nb") == Words{"a", "b"});
  CHECK(util::split_lines("a\n\nb\n") == Words{"a", "", "b"});
  CHECK(util::split_lines("a\r\nb\r\n") == Words{"a", "b"});
  CHECK(util::split_lines("a\r\n\r\nb") == Words{"a", "", "b"});
  CHECK(util::split_lines("a\rb\n") == Words{"a\rb"}); // a lone CR is not a line break
}

TEST_CASE("trim removes ASCII whitespace at both ends", "[strings]")
{
  CHECK(util::trim("  a b \t\r\n") == "a b");
  CHECK(util::trim("").empty());
  CHECK(util::trim(" \n\t").empty());
  CHECK(util::trim("x") == "x");
}
