#pragma once
// What every subcommand shares: the global options, and the shape of an entry in main.cpp's table.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace tollgate::cli {

struct Globals {
  std::string directory; // -C DIR
  bool json = false;     // --json
  bool no_color = false; // --no-color (NO_COLOR is honoured too)
};

// Registers a subcommand's options on `app` and returns the function that runs it (returns the exit code).
using Setup = std::function<std::function<int()>(CLI::App& app, const Globals& globals)>;

struct Command {
  std::string_view name;
  std::string_view summary;
  Setup setup;
};

// Prints `document` as the single JSON document on stdout (invalid UTF-8 replaced, never thrown).
void print_json(const nlohmann::json& document);

// One setup per file under src/cli/.
std::function<int()> setup_init(CLI::App& app, const Globals& globals);
std::function<int()> setup_check(CLI::App& app, const Globals& globals);
std::function<int()> setup_sandbox(CLI::App& app, const Globals& globals);
std::function<int()> setup_doctor(CLI::App& app, const Globals& globals);
std::function<int()> setup_policy(CLI::App& app, const Globals& globals);

} // namespace tollgate::cli
