// `tollgate check [REV]`: the ordered checklist, confined: in place on the work tree (its .git
// read-only), or on a snapshot of REV.

#include "cli/common.hpp"
#include "cli/repository_support.hpp"
#include "core/checklist/attest.hpp"
#include "core/checklist/limits.hpp"
#include "core/checklist/report.hpp"
#include "core/checklist/runner.hpp"
#include "core/checklist/workspace.hpp"
#include "core/trust/floor.hpp"
#include "core/trust/signing.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "proc/sandbox.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

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

bool runs_commands(const checks::Check& check)
{
  return core::attestable_kind(check.spec().kind) && !core::decided_elsewhere(check);
}

constexpr const char* k_push_hint = "git push origin 'refs/tollgate/*:refs/tollgate/*'";

// `--attest`: what signs (checked before anything runs) and what the trust root says of it.
struct Attesting {
  gpg::Context gpg;
  gpg::KeyInfo key;
  core::TrustRoot root;
  core::Shard shard;
};

Attesting prepare_attesting(const git::Repository& repo, const core::Config& config, const git::Oid& commit,
                            const CheckOptions& options)
{
  auto shard = options.shard.empty() ? Result<core::Shard>(core::Shard{}) : core::parse_shard(options.shard);
  if (!shard) {
    usage_error("--shard: " + shard.error().message);
  }
  core::TrustRoot root = trust_root_or_fatal(repo, config, commit);
  gpg::Context gpg = signing_context();
  auto key = core::choose_attesting_key(gpg, repo, options.key, [&root](const std::string& fingerprint) {
    return root.maintainers.attester_by_fingerprint(fingerprint) != nullptr;
  });
  if (!key) {
    environment_error("cannot attest: " + key.error().message);
  }
  if (auto probe = gpg.sign_detached("tollgate signing probe", key->fingerprint); !probe) {
    environment_error("cannot attest: " + probe.error().message);
  }
  return Attesting{std::move(gpg), std::move(*key), std::move(root), *shard};
}

// Signs the results of a finished run; prints what it wrote (text) or returns it (JSON).
nlohmann::json attest(const git::Repository& repo, const core::Config& config, const git::Oid& commit,
                      const Attesting& attesting, const core::RunReport& report, const checks::Context& context,
                      const Globals& globals)
{
  const core::AttestingRun run{commit, attesting.root.repository, attesting.key.fingerprint, attesting.shard,
                               context.limits};
  auto attested = core::attest_results(repo, attesting.gpg, config.checks, report, run);
  if (!attested) {
    environment_error(attested.error().message);
  }
  const core::Attester* attester = attesting.root.maintainers.attester_by_fingerprint(attesting.key.fingerprint);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& one : *attested) {
    std::string warning;
    if (attester == nullptr) {
      warning = fmt::format("key {} belongs to no attester in {} at {}: this attestation will not count",
                            attesting.key.fingerprint, attesting.root.maintainers_path, attesting.root.source);
    } else if (!attester->may_attest(one.check_id)) {
      warning = fmt::format("attester {} may not attest `{}` ({} at {}): this attestation will not count",
                            attester->name, one.check_id, attesting.root.maintainers_path, attesting.root.source);
    }
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
    if (attested->empty()) {
      std::printf("nothing to attest: no attestable check passed or failed\n");
    } else {
      std::printf("Share them: %s\n", k_push_hint);
    }
  }
  return list;
}

extern "C" void on_interrupt(int /*signal*/)
{
  core::interrupted().store(true);
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
  const git::Repository repo = open_repository(workspace);
  const git::Oid commit = resolve_revision(repo, options.revision.empty() ? "HEAD" : options.revision);
  // The rules in force: tollgate.yaml at stable is the floor. With a revision, the checks are the
  // commit's own (never the work tree's); in place, the work tree's checks run under the floor's
  // sandbox: a candidate cannot switch confinement off or open the network for itself.
  core::Floor floor = floor_or_fatal(repo, config, commit);
  RunExtras extras;
  if (options.revision.empty()) {
    config.sandbox = floor.config.sandbox;
  } else {
    config = std::move(floor.config);
    extras.floor = floor_lines(floor);
    extras.snapshot = true;
    extras.repo = &repo;
    extras.snapshot_of = commit;
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
    add_trust_root_check(checks, config);
  }
  core::validate_selection(checks, options.run);
  std::optional<Attesting> attesting;
  if (options.attest) {
    attesting.emplace(prepare_attesting(repo, config, commit, options));
    // Approvals, policies and the other judgements of the promotion itself are never attested; a
    // shard other than the first runs only its slice of the pytest checks.
    const core::Shard& shard = attesting->shard;
    for (const auto& check : checks) {
      if (!runs_commands(*check)) {
        options.run.set_aside.emplace(check->id(), "not attested: judged at the promotion itself");
      } else if (!shard.whole() && shard.index != 1 && check->spec().kind != "pytest") {
        options.run.set_aside.emplace(check->id(), fmt::format("runs in shard 1/{}", shard.count));
      }
    }
    extras.shard_index = shard.index;
    extras.shard_count = shard.count;
    extras.after_run = [&](const core::RunReport& report, const checks::Context& context) {
      return attest(repo, config, commit, *attesting, report, context, globals);
    };
  }
  return run_and_report(checks, workspace, config, commit.hex(), options.run, options.files, globals, extras);
}

} // namespace

checks::Context make_context(const core::Workspace& workspace, const core::Config& config, const std::string& revision,
                             std::string& run_id)
{
  checks::Context context;
  context.root = workspace.root;
  context.git_dir = workspace.git_dir;
  context.config = &config;
  context.limits = core::effective_limits(config.sandbox);
  context.revision = revision;
  context.log_dir = core::create_run_dir(workspace, run_id);
  return context;
}

core::RunReport run_with_reporter(std::vector<std::unique_ptr<checks::Check>>& checks, const checks::Context& context,
                                  const core::RunOptions& run, const Globals& globals)
{
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const bool annotations = util::github_actions();
  if (globals.json) {
    core::QuietReporter reporter(annotations);
    return core::run_checklist(checks, context, run, reporter);
  }
  core::TextOptions text;
  text.live = globals.live_on(STDOUT_FILENO);
  text.style.color = globals.color_on(STDOUT_FILENO);
  text.verbosity = globals.quiet ? -1 : globals.verbose;
  text.annotations = annotations;
  core::TextReporter reporter(stdout, text);
  return core::run_checklist(checks, context, run, reporter);
}

int run_and_report(std::vector<std::unique_ptr<checks::Check>>& checks, const core::Workspace& workspace,
                   const core::Config& config, const std::string& revision, const core::RunOptions& run,
                   const ReportFiles& files, const Globals& globals, const RunExtras& extras)
{
  if (!files.junit.empty()) {
    core::require_writable(files.junit, "--junit");
  }
  if (!files.sarif.empty()) {
    core::require_writable(files.sarif, "--sarif");
  }
  std::string run_id;
  checks::Context context = make_context(workspace, config, revision, run_id);
  if (extras.snapshot_of) {
    context.limits = core::limits_in_force(config, context.limits, *extras.repo, *extras.snapshot_of);
  }
  const Judging judging = begin_judging(context, checks, extras.repo, extras.snapshot_of);
  context.snapshot = extras.snapshot;
  context.shard_index = extras.shard_index;
  context.shard_count = extras.shard_count;
  if (!globals.json) {
    for (const auto& line : extras.floor) {
      std::printf("%s\n", line.c_str());
    }
  }
  core::RunReport report = run_with_reporter(checks, context, run, globals);
  report.run_id = run_id;
  const std::vector<std::string> changed = end_judging(judging, context);
  nlohmann::json after = nullptr;
  if (extras.after_run && changed.empty() && !core::interrupted().load()) {
    after = extras.after_run(report, context);
  }
  if (!files.junit.empty()) {
    core::write_file_atomically(files.junit, core::to_junit(report));
  }
  if (!files.sarif.empty()) {
    core::write_file_atomically(files.sarif, core::to_sarif(report, core::k_config_file).dump(2));
  }
  if (globals.json) {
    nlohmann::json document = core::to_json(report);
    if (extras.snapshot) {
      document["floor"] = extras.floor;
    }
    document["judge_changed"] = changed;
    if (!after.is_null()) {
      document["attestations"] = after;
    }
    print_json(document);
  }
  if (core::interrupted().load()) {
    return 128 + SIGINT;
  }
  return changed.empty() ? report.exit_code() : exit_code::k_failed;
}

Judging begin_judging(checks::Context& context, const std::vector<std::unique_ptr<checks::Check>>& checks,
                      const git::Repository* repo, const std::optional<git::Oid>& commit)
{
  // Never silently open: a check that runs commands needs working confinement (or `confine: off`
  // from the trust root, which the floor already decided).
  if (context.limits.confine && std::ranges::any_of(checks, [](const auto& check) { return runs_commands(*check); })) {
    if (auto backend = proc::resolve_backend(context.limits.backend, true); !backend) {
      environment_error("the checks cannot be confined: " + backend.error().message +
                        " (see `tollgate doctor`; docs/security.md)");
    }
  }
  Judging judging;
  if (commit && repo != nullptr) {
    core::SnapshotOptions options;
    if (geteuid() == 0) {
      options.owner = proc::k_sandbox_uid;
      options.group = proc::k_sandbox_gid;
    }
    auto snapshot = core::make_snapshot(*repo, *commit, options);
    if (!snapshot) {
      environment_error(
          fmt::format("cannot export {} for the checks: {}", commit->short_hex(), snapshot.error().message));
    }
    context.source_root = context.root;
    context.root = snapshot->root();
    context.shared_paths = {(repo->common_dir() / "objects").string()};
    judging.snapshot = std::move(*snapshot);
  }
  judging.before = core::capture_repo_state(context.git_dir);
  return judging;
}

std::vector<std::string> end_judging(const Judging& judging, const checks::Context& context)
{
  std::vector<std::string> changed = core::compare(judging.before, core::capture_repo_state(context.git_dir));
  for (const auto& line : changed) {
    std::fprintf(stderr, "tollgate: the repository changed while the checks ran: %s\n", line.c_str());
  }
  return changed;
}

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
