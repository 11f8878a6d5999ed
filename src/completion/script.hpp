#pragma once
// Shell completion scripts (bash, zsh, fish) rendered from a command tree: the one cli/completion.cpp
// reads off the parser's own subcommands and options, so the scripts can never drift from them.
// Check ids and release tags are asked of `tollgate __complete checks|tags` when completing.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::completion {

// What an option's value (or a command's positional argument) completes to.
enum class ValueKind { none, any, file, directory, check, tag, choices };

struct CompletionOption {
  std::vector<std::string> names; // "-j", "--jobs"
  std::string description;
  ValueKind value = ValueKind::none; // none: a flag
  std::vector<std::string> choices;  // ValueKind::choices
};

struct CompletionCommand {
  std::string name; // "tollgate", "check", "eval"
  std::string description;
  std::vector<CompletionOption> options; // its own; the root's apply everywhere
  ValueKind positional = ValueKind::none;
  std::vector<CompletionCommand> subcommands;
};

// The kind an option's type name (`CHECK`, `TAG`, `FILE`, `PATH`, `DIR`, `X:{a,b}`) stands for;
// `choices` receives the values of a `{a,b}` set.
ValueKind value_kind(std::string_view type_name, std::vector<std::string>& choices);

// The script for `shell` (bash, zsh or fish); nullopt for another shell.
std::optional<std::string> completion_script(std::string_view shell, const CompletionCommand& root);

} // namespace tollgate::completion
