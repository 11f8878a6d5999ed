#pragma once
// What every subcommand shares: the global options, and the shape of an entry in main.cpp's table.

#include "checks/check.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/judging.hpp"
#include "core/checklist/repo_guard.hpp"
#include "core/checklist/runner.hpp"
#include "core/checklist/snapshot.hpp"
#include "core/checklist/workspace.hpp"
#include "util/term.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cli {

struct Globals {
  std::string directory;                              // -C DIR
  bool json = false;                                  // --json
  util::ColorMode color = util::ColorMode::automatic; // --color (--no-color: never; NO_COLOR, FORCE_COLOR)
  int verbose = 0;                                    // -v, repeatable
  bool quiet = false;                                 // -q
  // Whether `fd` gets colour (util::color_allowed) and, being a terminal, live redraws.
  bool color_on(int fd) const { return util::color_allowed(fd, color); }
  bool live_on(int fd) const { return !quiet && color_on(fd) && util::is_terminal(fd); }
};

// Registers the options every subcommand takes (-C, --json, -q, -v, --color, --no-color) on `app`.
void add_global_options(CLI::App& app, Globals& globals);

// Appends the global options to the --help of every subcommand below `app` (recursively).
void list_global_options(CLI::App& app);

// Registers a subcommand's options on `app` and returns the function that runs it (returns the exit code).
using Setup = std::function<std::function<int()>(CLI::App& app, const Globals& globals)>;

struct Command {
  std::string_view name;
  std::string_view summary;
  Setup setup;
};

// Prints `document` as the single JSON document on stdout (invalid UTF-8 replaced, never thrown).
void print_json(const nlohmann::json& document);

// Runs `checks` with live or plain text reporting (quiet under --json: the caller prints); Ctrl-C
// cancels them.
core::RunReport run_with_reporter(std::vector<std::unique_ptr<checks::Check>>& checks, const checks::Context& context,
                                  const core::RunOptions& run, const Globals& globals);

// What `gate` (and `check REV`) add to a run.
struct RunExtras {
  std::vector<std::string> floor;               // the floor's lines: printed before the checklist; `floor` in JSON
  bool snapshot = false;                        // checks read the candidate from its commit (checks::Context::snapshot)
  const git::Repository* repo = nullptr;        // with `snapshot_of`: the repository it belongs to
  std::optional<git::Oid> snapshot_of;          // the checks run on a snapshot of this commit (check REV)
  core::JudgingHeadStart* head_start = nullptr; // that snapshot, started ahead (core/checklist/judging.hpp)
  // Called after the checks when the judge is unchanged and nobody interrupted (`check --attest`);
  // what it returns is the JSON document's `attestations`.
  std::function<nlohmann::json(const core::RunReport&, const checks::Context&)> after_run;
  unsigned shard_index = 0; // `check --attest --shard I/N` (checks::Context)
  unsigned shard_count = 0;
};

// What changed in the judge while the checks ran, one line each (empty: nothing), each printed to
// stderr: any change fails the run and nothing is promoted.
std::vector<std::string> end_judging(const core::Judging& judging, const checks::Context& context);

// The report files a run also writes (empty: none).
struct ReportFiles {
  std::string junit; // --junit FILE
  std::string sarif; // --sarif FILE
};

// Runs `checks` on `revision` with the live/plain/JSON/JUnit/SARIF reporting of `tollgate check`;
// returns the exit code (130 after Ctrl-C).
int run_and_report(std::vector<std::unique_ptr<checks::Check>>& checks, const core::Workspace& workspace,
                   const core::Config& config, const std::string& revision, const core::RunOptions& run,
                   const ReportFiles& files, const Globals& globals, const RunExtras& extras = {});

// One setup per file under src/cli/.
std::function<int()> setup_init(CLI::App& app, const Globals& globals);
std::function<int()> setup_check(CLI::App& app, const Globals& globals);
std::function<int()> setup_sandbox(CLI::App& app, const Globals& globals);
std::function<int()> setup_doctor(CLI::App& app, const Globals& globals);
std::function<int()> setup_approve(CLI::App& app, const Globals& globals);
std::function<int()> setup_approvals(CLI::App& app, const Globals& globals);
std::function<int()> setup_attestations(CLI::App& app, const Globals& globals);
std::function<int()> setup_ci(CLI::App& app, const Globals& globals);
std::function<int()> setup_gate(CLI::App& app, const Globals& globals);
std::function<int()> setup_promote(CLI::App& app, const Globals& globals);
std::function<int()> setup_verify(CLI::App& app, const Globals& globals);
std::function<int()> setup_rollback(CLI::App& app, const Globals& globals);
std::function<int()> setup_history(CLI::App& app, const Globals& globals);
std::function<int()> setup_changelog(CLI::App& app, const Globals& globals);
std::function<int()> setup_policy(CLI::App& app, const Globals& globals);
std::function<int()> setup_completion(CLI::App& app, const Globals& globals);
std::function<int()> setup_complete_values(CLI::App& app, const Globals& globals);

// Bare `tollgate`: the repository's state, the next step, then the command list (cli/status.cpp).
int run_status(const CLI::App& root, const Globals& globals);

// `tollgate --version [--json]`.
int print_version(const Globals& globals);
// `policy test` (policy_test.cpp): registers it on `policy` and sets `runner` to run it.
CLI::App* add_policy_test(CLI::App& app, std::function<int()>& runner, const Globals& globals);

} // namespace tollgate::cli
