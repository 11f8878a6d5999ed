// `tollgate init`: writes a commented tollgate.yaml, a MAINTAINERS.yaml that loads and the CI job
// (core/setup/init.hpp decides what); prints what it wrote, a warning when the maintainers cannot
// approve every commit, and the git lines to commit it.

#include "core/setup/init.hpp"
#include "cli/common.hpp"
#include "core/checklist/report.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace tollgate::cli {

namespace {

nlohmann::json notes_json(const std::vector<core::InitNote>& notes)
{
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : notes) {
    files.push_back({{"path", file.path}, {"note", file.note}});
  }
  return files;
}

nlohmann::json version_files_json(const version_files::Detection& detection)
{
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : detection.files) {
    files.push_back({{"path", file.entry.path}, {"pattern", file.entry.pattern}, {"version", file.version}});
  }
  for (const auto& skipped : detection.skipped) {
    files.push_back({{"path", skipped.path}, {"skipped", skipped.reason}});
  }
  return files;
}

void print_version_files(const version_files::Detection& detection)
{
  if (detection.files.empty() && detection.skipped.empty()) {
    fmt::print("  no version file found (pyproject.toml, package.json, Cargo.toml, setup.cfg, __version__): only "
               "the CHANGELOG records the version\n");
    return;
  }
  for (const auto& file : detection.files) {
    fmt::print("  version file: {} ({}{}): the release commit sets it\n", file.entry.path, file.version,
               file.entry.pattern.empty() ? "" : ", by pattern");
  }
  for (const auto& skipped : detection.skipped) {
    fmt::print("  version file not listed: {}\n", skipped.reason);
  }
}

void print_notes(const std::vector<core::InitNote>& notes)
{
  for (const auto& file : notes) {
    fmt::print("  {}: {}\n", file.path, file.note);
  }
}

int print_kept(const core::InitResult& result, const Globals& globals)
{
  if (globals.json) {
    print_json(
        nlohmann::json{{"kept", result.config.string()}, {"also", notes_json(result.also)}, {"commit", result.commit}});
    return exit_code::k_ok;
  }
  fmt::print("kept {}\n", core::display_path(result.config));
  print_notes(result.also);
  if (!result.commit.empty()) {
    fmt::print("next: review it, then commit it:\n{}\n", fmt::join(result.commit, "\n"));
  }
  return exit_code::k_ok;
}

int print_written(const core::InitResult& result, const Globals& globals)
{
  if (globals.json) {
    print_json(nlohmann::json{{"wrote", result.config.string()},
                              {"changelog", result.changelog},
                              {"checks", result.checks},
                              {"limit_sources", result.limit_sources},
                              {"version_files", version_files_json(result.version_files)},
                              {"repository", result.repository},
                              {"also", notes_json(result.also)},
                              {"warnings", result.warnings},
                              {"commit", result.commit}});
    return exit_code::k_ok;
  }
  fmt::print("wrote {}\n", core::display_path(result.config));
  print_notes(result.also);
  if (result.repository.empty()) {
    fmt::print("  no origin remote: set release.repository, the identity approvals name\n");
  }
  fmt::print("  checks: {}\n", fmt::join(result.checks, ", "));
  fmt::print("  changelog: {}{}\n", result.changelog, result.changelog_found ? "" : " (not there yet)");
  fmt::print("  sandbox limits read from: {}{}\n", fmt::join(result.limit_sources, ", "),
             result.limits_found ? "" : " (none exists yet: set SANDBOX_CPU_SEC and SANDBOX_MEM_MB there)");
  print_version_files(result.version_files);
  if (!result.precommit) {
    fmt::print("  no .pre-commit-config.yaml: the pre-commit check is commented out\n");
  }
  if (!result.pytest) {
    fmt::print("  no pytest suite found: the pytest check is commented out\n");
  }
  for (const auto& warning : result.warnings) {
    std::fflush(stdout);
    std::fprintf(stderr, "tollgate: warning: %s\n", warning.c_str());
  }
  fmt::print("next: review them, run `tollgate check`, then commit them:\n{}\n", fmt::join(result.commit, "\n"));
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_init(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<core::InitRequest>();
  app.add_flag("--force,-f", options->force, "Overwrite an existing tollgate.yaml (and MAINTAINERS.yaml, CI file)");
  auto* ci = app.add_option("--ci", options->ci, "Also write the CI gate job: github or gitlab")
                 ->type_name("SYSTEM")
                 ->check(CLI::IsMember({"github", "gitlab"}));
  app.add_flag("--attest", options->attest,
               "With --ci: also write the job that runs the checks on the release branch and attests them")
      ->needs(ci);
  app.add_flag("--configure-remote", options->configure_remote,
               "Make origin fetch refs/tollgate/* (approvals, the audit log) with plain git fetch");
  return [options, &globals] {
    const core::InitResult result = core::init(core::find_workspace(), *options);
    return result.kept ? print_kept(result, globals) : print_written(result, globals);
  };
}

} // namespace tollgate::cli
