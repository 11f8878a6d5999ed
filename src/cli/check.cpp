// `tollgate check [REV]`: the ordered checklist, confined: in place on the work tree (its .git
// read-only), or on a snapshot of REV.

#include "cli/common.hpp"
#include "core/checklist/attesting.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/limits.hpp"
#include "core/checklist/report.hpp"
#include "core/checklist/runner.hpp"
#include "core/checklist/workspace.hpp"
#include "core/trust/floor.hpp"
#include "core/trust/require.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

namespace tollgate::cli {

namespace {

struct CheckOptions {
  std::string revision; // empty: the work tree, in place
  core::RunOptions run;
  ReportFiles files;
  bool attest = false;
  std::string key;
  std::string shard;
};

constexpr const char* k_push_hint = "git push origin 'refs/tollgate/*:refs/tollgate/*'";

core::Attesting prepare_attesting(const git::Repository& repo, const core::Config& config, const git::Oid& commit,
                                  const CheckOptions& options)
{
  auto shard = options.shard.empty() ? Result<core::Shard>(core::Shard{}) : core::parse_shard(options.shard);
  if (!shard) {
    usage_error("--shard: " + shard.error().message);
  }
  core::TrustRoot root = core::trust_root_or_fatal(repo, config, commit);
  return core::prepare_attesting(repo, core::signing_context(), std::move(root), options.key, *shard);
}

// Signs the results of a finished run; prints what it wrote (text) or returns it (JSON).
nlohmann::json attest(const git::Repository& repo, const core::Config& config, const git::Oid& commit,
                      const core::Attesting& attesting, const core::RunReport& report, const checks::Context& context,
                      const Globals& globals)
{
  const auto attested = core::attest_run(repo, config, commit, attesting, report, context.limits);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [one, warning] : attested) {
    list.push_back(
        {{"check", one.check_id},
         {"status", one.status},
         {"shard", attesting.shard.whole() ? nlohmann::json(nullptr) : nlohmann::json(attesting.shard.str())},
         {"ref", one.created.ref},
         {"object", one.created.object.hex()},
         {"replaced", one.created.replaced},
         {"warning", warning}});
    if (!globals.json) {
      std::printf("attested %s (%s) as %s: %s\n", one.check_id.c_str(), one.status.c_str(),
                  attesting.key.user_id.c_str(), one.created.ref.c_str());
      if (!warning.empty()) {
        std::fprintf(stderr, "tollgate: warning: %s\n", warning.c_str());
      }
    }
  }
  if (!globals.json) {
    std::printf("%s", attested.empty() ? "nothing to attest: no attestable check passed or failed\n"
                                       : fmt::format("Share them: {}\n", k_push_hint).c_str());
  }
  return list;
}

int run_check(CheckOptions options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace(core::WorkTree::optional);
  if (!options.attest && !options.shard.empty()) {
    usage_error("--shard splits an attesting run: give --attest as well");
  }
  if (options.attest && options.revision.empty()) {
    options.revision = "HEAD"; // an attestation is of a commit's tree, judged on its snapshot
  }
  if (options.revision.empty()) {
    core::require_work_tree(workspace, "`tollgate check` without a revision (it runs in place)",
                            "give one: `tollgate check HEAD` checks a snapshot of that commit");
  }
  core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = core::open_repository(workspace);
  const git::Oid commit = core::resolve_revision(repo, options.revision.empty() ? "HEAD" : options.revision);
  // With a revision, its snapshot and the confinement probe start now, while the floor is read.
  std::optional<core::JudgingHeadStart> head_start;
  if (!options.revision.empty()) {
    head_start.emplace(repo.git_dir(), commit, core::effective_limits(config.sandbox));
  }
  // The rules in force: tollgate.yaml at stable is the floor. With a revision, the checks are the
  // commit's own (never the work tree's); in place, the work tree's checks run under the floor's
  // sandbox: a candidate cannot switch confinement off or open the network for itself.
  core::Floor floor = core::floor_or_fatal(repo, config, commit);
  RunExtras extras;
  if (options.revision.empty()) {
    config.sandbox = floor.config.sandbox;
  } else {
    config = std::move(floor.config);
    extras.floor = core::floor_lines(floor);
    extras.snapshot = true;
    extras.repo = &repo;
    extras.snapshot_of = commit;
    extras.head_start = &*head_start;
  }
  auto checks = core::build_checklist(config);
  if (checks.empty()) {
    usage_error(workspace.config_path.filename().string() + " lists no checks under `checks:`");
  }
  // The trust root the change would make, validated first, once the repository has one to break: a
  // maintainers file in the work tree (or at REV), or at the stable release.
  const auto has_maintainers = [&](const git::Oid& at) {
    return git::read_file_at(repo, at, config.approvals.maintainers).value_or(std::nullopt).has_value();
  };
  bool governed =
      options.revision.empty()
          ? std::filesystem::exists(std::filesystem::symlink_status(workspace.root / config.approvals.maintainers))
          : has_maintainers(commit);
  if (auto stable = git::read_ref(repo, "refs/tags/" + config.release.stable_tag); !governed && stable && *stable) {
    auto stable_commit = git::peel_to_commit(repo, **stable);
    governed = stable_commit && has_maintainers(*stable_commit);
  }
  if (governed) {
    core::add_trust_root_check(checks, config);
  }
  core::validate_selection(checks, options.run);
  std::optional<core::Attesting> attesting;
  if (options.attest) {
    attesting.emplace(prepare_attesting(repo, config, commit, options));
    core::set_aside_unattested(checks, attesting->shard, options.run);
    extras.shard_index = attesting->shard.index;
    extras.shard_count = attesting->shard.count;
    extras.after_run = [&](const core::RunReport& report, const checks::Context& context) {
      return attest(repo, config, commit, *attesting, report, context, globals);
    };
  }
  return run_and_report(checks, workspace, config, commit.hex(), options.run, options.files, globals, extras);
}

} // namespace

std::function<int()> setup_check(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<CheckOptions>();
  app.add_option("revision", options->revision,
                 "Check this commit on a snapshot of it (default: the work tree, in place)")
      ->type_name("REV");
  app.add_flag("--keep-going,-k", options->run.keep_going, "Run every check even after one fails");
  app.add_option("--only", options->run.only, "Run only the check with this id (repeatable)")->type_name("CHECK");
  app.add_option("--skip", options->run.skip, "Skip the check with this id (repeatable)")->type_name("CHECK");
  app.add_option("--jobs,-j", options->run.jobs,
                 "Run up to N independent read-only checks at once (default and 0: one per CPU; 1: one by one)")
      ->type_name("N")
      ->check(CLI::Range(0u, 256u));
  app.add_option("--junit", options->files.junit, "Also write a JUnit XML report to FILE")->type_name("FILE");
  app.add_option("--sarif", options->files.sarif, "Also write a SARIF 2.1.0 report to FILE (code scanning)")
      ->type_name("FILE");
  app.add_flag("--attest", options->attest,
               "Sign each command check's result as an attester (refs/tollgate/attestations; docs/attestations.md)");
  app.add_option("--key", options->key,
                 "With --attest: sign with this secret key (default: the one attester key in the keyring)")
      ->type_name("FPR");
  app.add_option("--shard", options->shard, "With --attest: run and attest slice I of N of the pytest tests")
      ->type_name("I/N");
  return [options, &globals] { return run_check(*options, globals); };
}

} // namespace tollgate::cli
