// `tollgate changelog`: the next version and its CHANGELOG section (preview), `--write` to edit the
// file, `--all` for the whole history's changelog on stdout.

#include "changelog/plan.hpp"
#include "cli/common.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/report.hpp"
#include "core/checklist/workspace.hpp"
#include "core/trust/require.hpp"
#include "git/objects.hpp"
#include "util/fatal.hpp"
#include "version_files/diff.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace tollgate::cli {

namespace {

struct ChangelogOptions {
  std::string from;
  std::string to = "HEAD";
  std::string version;
  std::string prerelease;
  std::optional<std::string> tag_prefix;  // a package's own tags (`app-v`, `app@`)
  std::vector<std::string> paths;         // a package's paths (release.paths)
  std::vector<std::string> exclude_paths; // release.exclude_paths
  bool write = false;
  bool all = false;
};

std::optional<std::string> read_existing(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      environment_error(fmt::format("{}: cannot read the changelog", core::display_path(path)));
    }
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json plan_json(const changelog::ReleasePlan& plan)
{
  nlohmann::json commits = nlohmann::json::array();
  for (const auto& change : plan.changes) {
    commits.push_back({{"sha", change.id.hex()},
                       {"type", change.message.type},
                       {"scope", change.message.scope},
                       {"breaking", change.message.breaking},
                       {"subject", change.message.description}});
  }
  nlohmann::json version = {{"previous", plan.previous ? nlohmann::json(plan.previous->str()) : nlohmann::json()},
                            {"next", plan.nothing_to_release ? nlohmann::json() : nlohmann::json(plan.next.str())},
                            {"bump", std::string(changelog::to_string(plan.bump))}};
  return {{"version", version},
          {"tag", plan.nothing_to_release ? nlohmann::json() : nlohmann::json(plan.tag)},
          {"previous_tag", plan.previous_tag},
          {"nothing_to_release", plan.nothing_to_release},
          {"date", plan.date},
          {"entries", plan.grouping.listed},
          {"section", plan.section},
          {"commits", commits}};
}

int run_changelog(const ChangelogOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace();
  core::Config config = core::load_workspace_config(workspace);
  if (options.tag_prefix) {
    config.release.tag_prefix = *options.tag_prefix;
  }
  if (!options.paths.empty() || !options.exclude_paths.empty()) {
    config.changelog.paths = options.paths;
    config.changelog.exclude_paths = options.exclude_paths;
  }
  const git::Repository repo = core::open_repository(workspace);
  core::require_full_history(repo, "the changelog (every commit since the last release tag)");
  changelog::PlanOptions plan_options;
  plan_options.tag_prefix = config.release.tag_prefix;
  plan_options.candidate = options.to;
  plan_options.templates_root = workspace.root;
  if (!options.from.empty()) {
    plan_options.from = options.from;
  }
  if (!options.version.empty()) {
    plan_options.version = options.version;
  }
  plan_options.prerelease = options.prerelease;

  if (options.all) {
    auto text = changelog::render_history(repo, config.changelog, plan_options);
    if (!text) {
      usage_error(text.error().message);
    }
    if (globals.json) {
      print_json({{"changelog", *text}});
    } else {
      std::fwrite(text->data(), 1, text->size(), stdout);
    }
    return exit_code::k_ok;
  }

  auto plan = changelog::plan_release(repo, config.changelog, plan_options);
  if (!plan) {
    usage_error(plan.error().message);
  }
  const std::filesystem::path path = workspace.root / config.release.changelog;
  nlohmann::json document = plan_json(*plan);
  document["changelog"] = config.release.changelog;
  const std::string since = plan->previous_tag.empty() ? "the first commit" : plan->previous_tag;
  if (plan->nothing_to_release) {
    // A preview reports it and succeeds; asking to write a release that has nothing in it fails.
    const std::string message = fmt::format("nothing to release: {} commit{} since {}, none listed in the changelog",
                                            plan->changes.size(), plan->changes.size() == 1 ? "" : "s", since);
    if (globals.json) {
      document["written"] = false;
      print_json(document);
    } else {
      fmt::print("{}\n", message);
    }
    return options.write ? exit_code::k_failed : exit_code::k_ok;
  }

  // What the release commit would do to release.version_files, at the candidate (--to).
  auto candidate = git::resolve_commit(repo, options.to);
  if (!candidate) {
    usage_error(candidate.error().message);
  }
  auto version_edits = version_files::plan_edits(repo, *candidate, config.release.version_files, plan->next.str());
  if (!version_edits) {
    usage_error(version_edits.error().message);
  }
  document["version_files"] = version_files::to_json(*version_edits, plan->next.str());

  bool changed = false;
  if (options.write) {
    const auto existing = read_existing(path);
    auto edit = plan->apply_to_file(existing.value_or(""), config.release.changelog);
    if (!edit) {
      usage_error(edit.error().message);
    }
    changed = edit->changed;
    if (changed) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
      core::write_file_atomically(path, edit->text);
    }
  }
  if (globals.json) {
    document["written"] = changed;
    print_json(document);
    return exit_code::k_ok;
  }
  fmt::print("next version: {} ({} since {}, {} entr{})\n\n", plan->next.str(), changelog::to_string(plan->bump), since,
             plan->grouping.listed, plan->grouping.listed == 1 ? "y" : "ies");
  std::fwrite(plan->section.data(), 1, plan->section.size(), stdout);
  if (const std::string diffs = version_files::unified_diffs(*version_edits); !diffs.empty()) {
    fmt::print("\nthe release commit would set the version in {}:\n", version_files::changed_list(*version_edits));
    std::fwrite(diffs.data(), 1, diffs.size(), stdout);
  }
  if (options.write) {
    fmt::print("\n{} {}\n", changed ? "wrote" : "unchanged (it has this version already):", core::display_path(path));
  }
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_changelog(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<ChangelogOptions>();
  auto* from = app.add_option("--from", options->from, "Start after REF instead of the last release")->type_name("REF");
  app.add_option("--to", options->to, "The candidate (default HEAD)")->type_name("REV");
  auto* version =
      app.add_option("--version", options->version, "Release this version (must be higher)")->type_name("X");
  // --version with --prerelease is refused by the plan, with the version to give instead.
  auto* prerelease =
      app.add_option("--prerelease", options->prerelease, "A prerelease: ID.1, then ID.2, ...")->type_name("ID");
  app.add_option("--tag-prefix", options->tag_prefix, "A package's tag prefix (release.tag_prefix)")
      ->type_name("PREFIX");
  app.add_option("--path", options->paths, "Only commits touching PATH (release.paths; repeatable)")->type_name("PATH");
  app.add_option("--exclude-path", options->exclude_paths,
                 "Not commits touching only PATH (release.exclude_paths; repeatable)")
      ->type_name("PATH");
  auto* write = app.add_flag("--write", options->write, "Edit the CHANGELOG file (release.changelog)");
  auto* all = app.add_flag("--all", options->all, "Print the whole history's changelog (every release tag)");
  all->excludes(write)->excludes(version)->excludes(prerelease)->excludes(from);
  return [options, &globals] { return run_changelog(*options, globals); };
}

} // namespace tollgate::cli
