#include "cli/common.hpp"

#include "rego/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace tollgate::cli {

void add_global_options(CLI::App& app, Globals& globals)
{
  app.add_option("-C", globals.directory, "Run as if started in DIR")->type_name("DIR"); // checked in main
  app.add_flag("--json", globals.json, "Print one JSON document on stdout");
  app.add_flag("-q,--quiet", globals.quiet, "Print only failures and errors (the exit code tells the rest)");
  app.add_flag("-v,--verbose", globals.verbose, "Say more: every check's log (-vv: whole failing logs)");
  const std::map<std::string, util::ColorMode> modes{
      {"auto", util::ColorMode::automatic}, {"always", util::ColorMode::always}, {"never", util::ColorMode::never}};
  app.add_option("--color", globals.color, "Colour: auto (default; NO_COLOR, FORCE_COLOR), always or never")
      ->type_name("WHEN")
      ->transform(CLI::CheckedTransformer(modes).description("{auto,always,never}"));
  app.add_flag_callback(
      "--no-color", [&globals] { globals.color = util::ColorMode::never; }, "Same as --color=never");
}

void list_global_options(CLI::App& app)
{
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) {
    root = root->get_parent();
  }
  std::string text = "Global options (before or after the command):\n";
  for (const CLI::Option* option : root->get_options()) {
    const std::string shown_names = option->get_name(false, true);
    if (option == root->get_help_ptr() || shown_names.find("--version") != std::string::npos) {
      continue;
    }
    std::string shown = shown_names;
    if (const std::string type = option->get_type_name(); option->get_expected_max() > 0 && !type.empty()) {
      shown += " " + type;
    }
    text += fmt::format("  {:<26}{}{}\n", shown, shown.size() >= 26 ? "  " : "", option->get_description());
  }
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->footer(text);
    list_global_options(*sub);
  }
}

void print_json(const nlohmann::json& json)
{
  const std::string document = rego::json_text(json, 2); // exact numbers beyond 64 bits too
  std::fwrite(document.data(), 1, document.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

} // namespace tollgate::cli
