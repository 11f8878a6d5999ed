// The completion scripts rendered from a command tree: what each shell gets for subcommands,
// options, option values and positionals.
#include "completion/script.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tollgate::completion;

namespace {

CompletionCommand tree()
{
  CompletionCommand root{"tollgate", "the gate", {}, ValueKind::none, {}};
  root.options.push_back({{"-C"}, "Run in DIR", ValueKind::directory, {}});
  root.options.push_back({{"-q", "--quiet"}, "Quiet", ValueKind::none, {}});
  root.options.push_back({{"--color"}, "Colour", ValueKind::choices, {"auto", "always", "never"}});
  CompletionCommand check{"check", "Run the checklist", {}, ValueKind::any, {}};
  check.options.push_back({{"--only"}, "Only this check", ValueKind::check, {}});
  check.options.push_back({{"--junit"}, "JUnit file", ValueKind::file, {}});
  CompletionCommand verify{"verify", "Re-verify a release's it", {}, ValueKind::tag, {}};
  CompletionCommand policy{"policy", "Policies", {}, ValueKind::none, {}};
  policy.subcommands.push_back({"eval", "Evaluate", {}, ValueKind::any, {}});
  root.subcommands = {check, verify, policy};
  return root;
}

} // namespace

TEST_CASE("value_kind reads an option's type name", "[completion]")
{
  std::vector<std::string> choices;
  CHECK(value_kind("CHECK", choices) == ValueKind::check);
  CHECK(value_kind("TAG", choices) == ValueKind::tag);
  CHECK(value_kind("FILE", choices) == ValueKind::file);
  CHECK(value_kind("PATH", choices) == ValueKind::file);
  CHECK(value_kind("DIR:DIR", choices) == ValueKind::directory);
  CHECK(value_kind("N:UINT in [1 - 256]", choices) == ValueKind::any);
  CHECK(value_kind("", choices) == ValueKind::any);
  CHECK(value_kind("WHEN:{auto,always, never}", choices) == ValueKind::choices);
  CHECK(choices == std::vector<std::string>{"auto", "always", "never"});
  CHECK(value_kind("TAG", choices) == ValueKind::tag);
  CHECK(choices.empty());
}

TEST_CASE("completion_script: bash tables per command path, the root's options everywhere", "[completion]")
{
  const auto script = completion_script("bash", tree());
  REQUIRE(script);
  CHECK_THAT(*script, Catch::Contains("'tollgate') subs='check verify policy'; opts='-C -q --quiet --color'; "
                                      "valued='-C --color' ;;"));
  CHECK_THAT(*script, Catch::Contains("'tollgate check') subs=''; opts='--only --junit -C -q --quiet --color'; "
                                      "valued='--only --junit -C --color' ;;"));
  CHECK_THAT(*script, Catch::Contains("'tollgate policy') subs='eval';"));
  CHECK_THAT(*script, Catch::Contains("'tollgate check|--only') echo 'check' ;;"));
  CHECK_THAT(*script, Catch::Contains("'tollgate policy eval|--color') echo 'choices auto always never' ;;"));
  CHECK_THAT(*script, Catch::Contains("'tollgate verify') echo 'tag' ;;"));
  CHECK_THAT(*script, Catch::Contains("complete -F _tollgate tollgate"));
}

TEST_CASE("completion_script: zsh describes commands and options", "[completion]")
{
  const auto script = completion_script("zsh", tree());
  REQUIRE(script);
  CHECK_THAT(*script, Catch::StartsWith("#compdef tollgate\n"));
  // A quote in a description is escaped for the shell.
  CHECK_THAT(*script, Catch::Contains("subs=('check:Run the checklist' 'verify:Re-verify a release'\\''s it' "
                                      "'policy:Policies')"));
  CHECK_THAT(*script, Catch::Contains("'--only:Only this check'"));
  CHECK_THAT(*script, Catch::Contains("compdef _tollgate tollgate"));
}

TEST_CASE("completion_script: fish conditions on the command path", "[completion]")
{
  const auto script = completion_script("fish", tree());
  REQUIRE(script);
  CHECK_THAT(*script, Catch::Contains("complete -c tollgate -n '__tollgate_at '\\''tollgate'\\''' -a 'check' "
                                      "-d 'Run the checklist'"));
  CHECK_THAT(*script, Catch::Contains("complete -c tollgate -n '__tollgate_at '\\''tollgate check'\\''' -l only -x "
                                      "-a '(command tollgate __complete checks 2>/dev/null)' -d 'Only this check'"));
  CHECK_THAT(*script, Catch::Contains("complete -c tollgate -s q -l quiet -d 'Quiet'"));
  CHECK_THAT(*script, Catch::Contains("complete -c tollgate -l color -x -a 'auto always never' -d 'Colour'"));
  CHECK_THAT(*script, Catch::Contains("case 'tollgate policy|eval'"));
}

TEST_CASE("completion_script: another shell is not known", "[completion]")
{
  CHECK_FALSE(completion_script("tcsh", tree()));
  CHECK_FALSE(completion_script("", tree()));
}
