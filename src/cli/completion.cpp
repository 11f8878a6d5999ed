// `tollgate completion bash|zsh|fish`: the completion script, read off the parser's own subcommands
// and options (completion/script.hpp renders it); and the hidden `tollgate __complete
// checks|tags` the scripts call for check ids (tollgate.yaml) and release tags.

#include "changelog/history.hpp"
#include "cli/common.hpp"
#include "completion/script.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/trust/require.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::cli {

namespace {

struct CompletionOptions {
  std::string shell;
};

completion::CompletionCommand describe(const CLI::App& app)
{
  completion::CompletionCommand command;
  command.name = app.get_name();
  command.description = app.get_description();
  for (const CLI::Option* option : app.get_options()) {
    std::vector<std::string> choices;
    const completion::ValueKind kind = completion::value_kind(option->get_type_name(), choices);
    if (option->get_positional()) {
      command.positional = kind;
      continue;
    }
    completion::CompletionOption entry;
    for (const auto& name : option->get_snames()) {
      entry.names.push_back("-" + name);
    }
    for (const auto& name : option->get_lnames()) {
      entry.names.push_back("--" + name);
    }
    entry.description = option->get_description();
    if (option->get_expected_max() > 0) {
      entry.value = kind;
      entry.choices = std::move(choices);
    }
    command.options.push_back(std::move(entry));
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (!sub->get_group().empty()) { // hidden ones (`__complete`) stay out
      command.subcommands.push_back(describe(*sub));
    }
  }
  return command;
}

int run_completion(const CLI::App& app, const CompletionOptions& options)
{
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) {
    root = root->get_parent();
  }
  const auto script = completion::completion_script(options.shell, describe(*root));
  if (!script) {
    usage_error(fmt::format("completion {}: expected bash, zsh or fish", options.shell));
  }
  std::fwrite(script->data(), 1, script->size(), stdout);
  return exit_code::k_ok;
}

// The values completing a check id or a release tag, one a line; nothing (and exit 0) when the
// repository or tollgate.yaml cannot be read: a completion never prints an error.
std::vector<std::string> values(const std::string& kind)
{
  std::vector<std::string> out;
  try {
    const core::Workspace workspace = core::find_workspace(core::WorkTree::optional);
    const core::Config config = core::load_workspace_config(workspace);
    if (kind == "checks") {
      for (const auto& spec : config.checks) {
        out.push_back(spec.id);
      }
      return out;
    }
    const git::Repository repo = core::open_repository(workspace);
    if (auto tags = changelog::release_tags(repo, config.release.tag_prefix)) {
      for (const auto& tag : *tags) {
        out.push_back(tag.name);
      }
    }
    out.push_back(config.release.stable_tag);
  } catch (const Fatal&) {
    return {};
  }
  return out;
}

} // namespace

std::function<int()> setup_completion(CLI::App& app, const Globals& /*globals*/)
{
  auto options = std::make_shared<CompletionOptions>();
  app.add_option("shell", options->shell, "bash, zsh or fish")
      ->type_name("SHELL:{bash,zsh,fish}")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  return [options, &app] { return run_completion(app, *options); };
}

std::function<int()> setup_complete_values(CLI::App& app, const Globals& /*globals*/)
{
  auto kind = std::make_shared<std::string>();
  app.add_option("kind", *kind, "checks or tags")->required()->check(CLI::IsMember({"checks", "tags"}));
  return [kind] {
    for (const auto& value : values(*kind)) {
      std::printf("%s\n", value.c_str());
    }
    return exit_code::k_ok;
  };
}

} // namespace tollgate::cli
