// tollgate: release governance and promotion. The table below is the list of subcommands;
// each lives in src/cli/<name>.cpp.

#include "checks/registry.hpp"
#include "cli/common.hpp"
#include "core/checklist/report.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"
#include "openpgp/verify.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>

#include <fcntl.h>
#include <unistd.h>

namespace {

using tollgate::cli::Command;

const std::array k_commands = {
    Command{"init", "Write a commented tollgate.yaml adapted to this repository", tollgate::cli::setup_init},
    Command{"check", "Run the ordered checklist on the work tree", tollgate::cli::setup_check},
    Command{"sandbox", "Run one command under the sandbox limits: tollgate sandbox -- CMD ...",
            tollgate::cli::setup_sandbox},
    Command{"approve", "Sign your approval of a commit (stored under refs/tollgate/approvals/)",
            tollgate::cli::setup_approve},
    Command{"approvals", "List a commit's approvals and why each counts or does not", tollgate::cli::setup_approvals},
    Command{"attestations", "List the check attestations of a commit's tree and why each counts or does not",
            tollgate::cli::setup_attestations},
    Command{"ci", "CI helpers: `ci matrix --shards N` prints the matrix of attesting shards", tollgate::cli::setup_ci},
    Command{"gate", "The CI gate: approvals and policies; exit 0 open, 1 closed", tollgate::cli::setup_gate},
    Command{"promote", "Run the checklist, then release: CHANGELOG commit, signed vX.Y.Z and stable tags",
            tollgate::cli::setup_promote},
    Command{"rollback", "Redeploy stable; --demote first moves stable back to the previous release",
            tollgate::cli::setup_rollback},
    Command{"history", "Promotions and demotions from the audit log, newest first", tollgate::cli::setup_history},
    Command{"verify", "Re-verify a release: signatures, the changelog-only commit, approvals, the audit log",
            tollgate::cli::setup_verify},
    Command{"changelog", "Preview the next version and its CHANGELOG section; --write edits the file",
            tollgate::cli::setup_changelog},
    Command{"policy", "Evaluate Rego policies (policy eval QUERY) or run their tests (policy test)",
            tollgate::cli::setup_policy},
    Command{"doctor", "Show what is installed, which sandbox backend works, and whether the config is valid",
            tollgate::cli::setup_doctor},
    Command{"completion", "Print the shell completion script: completion bash|zsh|fish",
            tollgate::cli::setup_completion},
};

// The commands whose text output honours -q itself (the checklist reporter keeps the failures).
bool reports_quietly(std::string_view name)
{
  return name == "check" || name == "gate";
}

void silence_stdout()
{
  std::fflush(stdout);
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, STDOUT_FILENO);
    ::close(null);
  }
}

constexpr std::string_view k_complete_values = "__complete";

std::vector<std::string> command_names()
{
  std::vector<std::string> names;
  for (const auto& command : k_commands) {
    names.emplace_back(command.name);
  }
  return names;
}

// Whether the token after `word` is its value (`-C DIR`, `--color WHEN`), by the root's option definitions.
bool takes_separate_value(const CLI::App& app, std::string_view word)
{
  if (word.find('=') != std::string_view::npos || !word.starts_with("-")) {
    return false;
  }
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() > 0 && option->check_name(std::string(word))) {
      return true;
    }
  }
  return false;
}

// The first word that is not an option (or an option's value) must name a subcommand.
void reject_unknown_command(const CLI::App& app, int argc, char** argv)
{
  const auto names = command_names();
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--") {
      return;
    }
    if (takes_separate_value(app, word)) {
      ++i; // its value
      continue;
    }
    if (word.starts_with("-")) {
      continue;
    }
    if (std::find(names.begin(), names.end(), word) == names.end() && word != k_complete_values) {
      const std::string hint = tollgate::util::did_you_mean(word, names);
      tollgate::usage_error(fmt::format("unknown command `{}`{}{}", word, hint,
                                        hint.empty() ? fmt::format(" (commands: {})", fmt::join(names, ", ")) : ""));
    }
    return;
  }
}

std::vector<std::string> option_names(const CLI::App& app)
{
  std::vector<std::string> names;
  for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
    for (const CLI::Option* option : level->get_options()) {
      for (const auto& name : option->get_lnames()) {
        names.push_back("--" + name);
      }
      for (const auto& name : option->get_snames()) {
        names.push_back("-" + name);
      }
    }
  }
  return names;
}

// Unknown options and stray arguments left over by CLI11, reported with a suggestion.
void reject_extras(const CLI::App& sub, std::vector<std::string> extras)
{
  if (sub.get_prefix_command()) {
    return; // the trailing arguments are the subcommand's own (tollgate sandbox -- CMD ...)
  }
  const auto own = sub.remaining();
  extras.insert(extras.begin(), own.begin(), own.end());
  if (extras.empty()) {
    return;
  }
  const std::string& first = extras.front();
  if (first.starts_with("-")) {
    const std::string name = first.substr(0, first.find('='));
    tollgate::usage_error(fmt::format("unknown option `{}` for `tollgate {}`{}", name, sub.get_name(),
                                      tollgate::util::did_you_mean(name, option_names(sub))));
  }
  tollgate::usage_error(fmt::format("unexpected argument `{}` for `tollgate {}`", first, sub.get_name()));
}

// Whether this command line will open a repository: then libgit2 loads and initialises on a thread
// of its own (about 15 ms here) while the command line is parsed and the configuration read. A guess
// from the words alone, before the parser exists; a wrong one costs time, never a result.
bool opens_repository(int argc, char** argv)
{
  std::string_view command;
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    // Help and the version, before or after the command, open nothing.
    if (word == "--version" || word == "-V" || word == "--help" || word == "-h" || word == "--") {
      return false;
    }
    if (word == "-C" || word == "--color") {
      ++i; // its value
      continue;
    }
    if (command.empty() && !word.starts_with("-")) {
      command = word;
    }
  }
  return command != "completion" && command != "policy" && command != "sandbox"; // bare: the repository's state
}

// The command line's parser. A command's options are set up when the parser reaches it (every
// command's when it reaches `completion`, which describes the whole tree): the others stay a name
// and a summary, all that `--help` and the status show of them. Setting up every command's options
// touched about 30 pages of memory more at each start.
class Cli {
public:
  Cli()
  {
    app.require_subcommand(0, 1); // none: the repository's state and the next step
    app.fallthrough();
    app.allow_extras(); // unknown options are reported by reject_extras, with a suggestion
    app.add_flag("-V,--version", version, "Print the version (with --json: version, commit, libgit2, gpgme)");
    tollgate::cli::add_global_options(app, globals);
    for (const auto& command : k_commands) {
      CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.summary));
      sub->allow_extras();
      sub->preparse_callback([this, sub, &command](std::size_t) {
        set_up(*sub, command);
        if (command.name == "completion") {
          for (const auto& other : k_commands) {
            set_up(*app.get_subcommand(std::string(other.name)), other);
          }
        }
      });
    }
    // What the completion scripts call for check ids and release tags (not in --help).
    CLI::App* values = app.add_subcommand(std::string(k_complete_values), "")->group("");
    runners[std::string(k_complete_values)] = tollgate::cli::setup_complete_values(*values, globals);
    tollgate::cli::list_global_options(app);
  }
  Cli(const Cli&) = delete; // the callbacks hold `this`
  Cli& operator=(const Cli&) = delete;
  Cli(Cli&&) = delete;
  Cli& operator=(Cli&&) = delete;
  ~Cli() = default;

  CLI::App app{"tollgate: the release gate nobody can talk past", "tollgate"};
  tollgate::cli::Globals globals;
  bool version = false;
  std::map<std::string, std::function<int()>, std::less<>> runners;

private:
  void set_up(CLI::App& sub, const Command& command)
  {
    if (!runners.contains(command.name)) {
      runners[std::string(command.name)] = command.setup(sub, globals);
      tollgate::cli::list_global_options(sub); // the footers of the subcommands it added
    }
  }
};

int run(int argc, char** argv)
{
  // Joined when run() returns or throws, before any library's exit handlers run.
  const std::jthread git_loader = opens_repository(argc, argv) ? tollgate::git::load_in_background() : std::jthread();
  tollgate::checks::install_kinds();
  Cli cli;
  CLI::App& app = cli.app;
  try {
    reject_unknown_command(app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    const std::string message = error.what();
    throw tollgate::Fatal(tollgate::exit_code::k_usage, message + " (see `tollgate --help`)");
  }
  const tollgate::cli::Globals& globals = cli.globals;
  auto& runners = cli.runners;
  if (cli.version) {
    return tollgate::cli::print_version(globals);
  }
  if (!globals.directory.empty()) {
    std::error_code ec;
    std::filesystem::current_path(globals.directory, ec);
    if (ec) {
      tollgate::usage_error(fmt::format("-C {}: {}", globals.directory, ec.message()));
    }
  }
  const auto subcommands = app.get_subcommands();
  if (subcommands.empty()) {
    if (const auto extras = app.remaining(); !extras.empty()) {
      tollgate::usage_error(fmt::format("unknown option `{}` (see `tollgate --help`)", extras.front()));
    }
    return tollgate::cli::run_status(app, globals);
  }
  const CLI::App* sub = subcommands.front();
  reject_extras(*sub, app.remaining());
  // -q: a command's ordinary output goes; its errors (stderr), its JSON and the checklist's
  // failures (which the reporter keeps) stay.
  if (globals.quiet && !globals.json && !reports_quietly(sub->get_name())) {
    silence_stdout();
  }
  const int code = runners.at(sub->get_name())();
  if (globals.verbose > 0) {
    // Signatures are checked in-process; gpg runs only to sign (or with `gpg.verify: gpgme`).
    fmt::print(stderr, "tollgate: gpg processes: {}\n", tollgate::gpg::processes_started());
  }
  return code;
}

// A command that fails before producing its report still honours --json: the error as a document.
int report_error(int argc, char** argv, int code, const char* message)
{
  std::fflush(stdout);
  std::fprintf(stderr, "tollgate: error: %s\n", message);
  if (tollgate::util::github_actions()) {
    std::fputs(tollgate::core::github_error(message).c_str(), stderr);
  }
  const bool json =
      std::any_of(argv + 1, argv + argc, [](const char* arg) { return std::string_view(arg) == "--json"; });
  if (json) {
    tollgate::cli::print_json({{"error", {{"message", message}, {"exit_code", code}}}});
  }
  return code;
}

} // namespace

int main(int argc, char** argv)
{
  // Past a file-size limit (RLIMIT_FSIZE) a write fails with EFBIG and is reported like a full
  // disk, instead of SIGXFSZ killing tollgate half-way (checks get the default back: proc resets it).
  std::signal(SIGXFSZ, SIG_IGN);
  tollgate::openpgp::configure_process();
  try {
    return run(argc, argv);
  } catch (const tollgate::Fatal& error) {
    return report_error(argc, argv, error.exit_code(), error.what());
  } catch (const std::exception& error) {
    return report_error(argc, argv, tollgate::exit_code::k_environment, error.what());
  }
}
