#include "cli/stage_support.hpp"

#include "cli/repository_support.hpp"
#include "core/release/demotion.hpp"
#include "core/release/history_rewrites.hpp"
#include "core/release/lock.hpp"
#include "core/release/promotion.hpp"
#include "core/release/signoffs.hpp"
#include "core/release/verify.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/signing.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/remote.hpp"
#include "git/worktree.hpp"
#include "util/fatal.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

namespace tollgate::cli {

namespace {

// A fresh private directory under $TMPDIR, removed with everything in it when it goes.
class ScratchDir {
public:
  ScratchDir()
  {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/tollgate-stage-XXXXXX", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    if (::mkdtemp(pattern.data()) == nullptr) {
      environment_error(fmt::format("cannot create a directory under {}", pattern));
    }
    m_path = pattern;
  }
  ~ScratchDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

[[noreturn]] void refused(const std::string& message)
{
  throw Fatal(exit_code::k_failed, message);
}

StageRelease release_of(const core::StageHolder& holder, const core::Config& config)
{
  const std::string& tag = holder.record.release;
  return StageRelease{holder.stage, tag,
                      tag.starts_with(config.release.tag_prefix) ? tag.substr(config.release.tag_prefix.size()) : tag,
                      holder.commit};
}

core::StageHolder holder_or_fatal(const git::Repository& repo, const std::string& stage)
{
  auto holder = core::read_stage(repo, stage);
  if (!holder) {
    environment_error(holder.error().message);
  }
  if (!*holder) {
    refused(fmt::format("stage move refused: nothing is at `{}` yet", stage));
  }
  return std::move(**holder);
}

// The sign-offs that do not count, one line each.
std::string refused_signoffs(const core::SignoffReport& report)
{
  std::vector<std::string> lines;
  for (const auto& signoff : report.signoffs) {
    if (!signoff.counts()) {
      lines.push_back(
          fmt::format("{}: {}", signoff.maintainer.empty() ? signoff.ref : signoff.maintainer, signoff.reason));
    }
  }
  return lines.empty() ? std::string() : fmt::format(" (not counted: {})", fmt::join(lines, "; "));
}

nlohmann::json signoffs_json(const std::vector<core::RecordedApproval>& signoffs)
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& signoff : signoffs) {
    list.push_back({{"name", signoff.name},
                    {"email", signoff.email},
                    {"fingerprint", signoff.fingerprint},
                    {"signoff", signoff.approval.hex()}});
  }
  return list;
}

} // namespace

void require_verified(const git::Repository& repo, const core::Config& config, const std::string& tag,
                      const std::string& what)
{
  auto report = core::verify_release(repo, config, tag);
  if (!report) {
    environment_error(report.error().message);
  }
  if (!report->ok()) {
    std::vector<std::string> problems;
    for (const auto& finding : report->findings) {
      if (!finding.ok) {
        problems.push_back(fmt::format("{}: {}", finding.name, finding.detail));
      }
    }
    throw Fatal(exit_code::k_failed, fmt::format("{} {} does not verify ({}); `tollgate verify {}` shows everything",
                                                 what, tag, fmt::join(problems, "; "), tag));
  }
}

std::optional<core::PromotionLock> promotion_lock(const core::Workspace& workspace, bool dry_run)
{
  if (dry_run) {
    return std::nullopt;
  }
  auto acquired = core::PromotionLock::acquire(workspace.git_dir);
  if (!acquired) {
    environment_error(acquired.error().message);
  }
  return std::optional<core::PromotionLock>(std::move(*acquired));
}

core::StagePath stage_path_or_fatal(const git::Repository& repo, const core::Config& config, const git::Oid& candidate)
{
  auto path = core::stages_in_force(repo, config, candidate);
  if (!path) {
    throw Fatal(path.error().exit_code, path.error().message);
  }
  return std::move(*path);
}

std::size_t stage_index_or_fatal(const core::StagePath& path, const std::string& name)
{
  if (auto index = path.index_of(name)) {
    return *index;
  }
  const std::vector<std::string> names = path.names();
  usage_error(fmt::format("no stage `{}` in release.stages at {}{} (stages: {})", name, path.source,
                          util::did_you_mean(name, names), fmt::join(names, ", ")));
}

std::string render_stage_command(const std::string& command, const StageRelease& release, const std::string& what)
{
  kainjow::mustache::mustache tmpl{command};
  kainjow::mustache::data data;
  data.set("tag", release.tag);
  data.set("version", release.version);
  data.set("commit", release.commit.hex());
  data.set("stage", release.stage);
  std::string rendered = tmpl.render(data);
  if (!tmpl.is_valid()) {
    usage_error(what + ": " + tmpl.error_message());
  }
  return rendered;
}

proc::Outcome run_operator_command(const git::Repository& repo, const StageRelease& release, const std::string& command,
                                   double timeout, const std::filesystem::path& log, const Globals& globals)
{
  const ScratchDir where;
  if (auto exported = git::export_tree(repo, release.commit, where.path()); !exported) {
    environment_error(fmt::format("cannot export {} to run `{}`: {}", release.tag, command, exported.error().message));
  }
  proc::Command run;
  if (auto words = util::split_simple_command(command)) {
    run.argv = *words;
  } else {
    run.argv = {"/bin/sh", "-c", command};
  }
  run.cwd = where.path().string();
  run.output_path = log.string();
  run.stdout_to_stderr = globals.json;
  run.env_set = {{"TOLLGATE_STAGE", release.stage}, {"TOLLGATE_TAG", release.tag}};
  proc::Limits limits;
  limits.network = proc::Network::allow;
  // The operator's command from the trust root, not the candidate's code: it runs as the operator
  // (it needs their credentials), with the time limit only (docs/stages.md).
  limits.confine = false;
  limits.timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000.0));
  std::fflush(stdout);
  auto outcome = proc::run(run, limits, nullptr);
  if (!outcome) {
    environment_error(fmt::format("`{}`: {}", command, outcome.error().message));
  }
  return *outcome;
}

bool deploy_stage(const git::Repository& repo, const core::StageConfig& stage, const StageRelease& release,
                  const std::string& retry, const Globals& globals)
{
  if (stage.deploy.empty()) {
    return false;
  }
  const std::string command = render_stage_command(stage.deploy, release, fmt::format("stage `{}` deploy", stage.name));
  if (!globals.json) {
    fmt::print("deploying {} to {}: {}\n", release.tag, stage.name, command);
  }
  const proc::Outcome outcome = run_operator_command(repo, release, command, stage.timeout, {}, globals);
  if (outcome.ended != proc::Ended::exited || outcome.exit_code != 0) {
    environment_error(
        fmt::format("the deploy of {} to {} failed ({}); {}", release.tag, stage.name, outcome.describe(), retry));
  }
  if (!globals.json) {
    fmt::print("deploy done: {}\n", outcome.describe());
  }
  return true;
}

StageStatus stage_status(const git::Repository& repo, const core::Config& config, const core::StagePath& path)
{
  StageStatus status;
  std::optional<core::StageHolder> before;
  const std::int64_t now = std::time(nullptr);
  for (const auto& stage : path.stages) {
    auto holder = core::read_stage(repo, stage.name);
    nlohmann::json item = {{"stage", stage.name}};
    std::string line = fmt::format("{}: ", stage.name);
    if (!holder) {
      line += holder.error().message;
    } else if (!*holder) {
      line += "no release yet";
    } else {
      const std::time_t since = static_cast<std::time_t>((*holder)->since);
      std::tm utc{};
      gmtime_r(&since, &utc);
      line += fmt::format("{} since {:04}-{:02}-{:02} {:02}:{:02}Z", (*holder)->record.release, utc.tm_year + 1900,
                          utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min);
      item["release"] = (*holder)->record.release;
      item["since"] = (*holder)->since;
    }
    const bool moves = before && !(holder && *holder && (*holder)->record.release_tag == before->record.release_tag);
    if (moves) {
      // What the move of the release at the stage before waits for.
      const std::string& release = before->record.release;
      std::vector<std::string> waits;
      if (const std::int64_t left = stage.soak - (now - before->since); left > 0) {
        waits.push_back(fmt::format("{} of soak", core::format_duration(left)));
        item["soak_left"] = left;
      }
      int counted = 0;
      if (stage.signoffs > 0) {
        auto root = core::load_trust_root(repo, config, before->commit);
        auto signoffs =
            root ? core::evaluate_signoffs(repo, *root, stage.name, release, before->record.release_tag, stage.signoffs)
                 : Result<core::SignoffReport>(fail(root.error().message));
        counted = signoffs ? signoffs->counted() : 0;
        if (counted < stage.signoffs) {
          waits.push_back(fmt::format("{} more sign-off{} (`tollgate approve --stage {} {}`)", stage.signoffs - counted,
                                      stage.signoffs - counted == 1 ? "" : "s", stage.name, release));
        }
      }
      item["next"] = release;
      item["signoffs"] = counted;
      item["signoffs_required"] = stage.signoffs;
      item["waits_for"] = waits;
      line += waits.empty() ? fmt::format("; {} is ready to move here: `tollgate promote --stage {}`{}", release,
                                          stage.name, stage.verify.empty() ? "" : " (runs its verify)")
                            : fmt::format("; {} waits for {}", release, fmt::join(waits, ", "));
    }
    status.lines.push_back(std::move(line));
    status.json.push_back(std::move(item));
    before = holder && *holder ? std::optional<core::StageHolder>(**holder) : std::nullopt;
  }
  return status;
}

int run_stage_move(const StageMoveOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace();
  const core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  require_full_history(repo, "a stage move (the trust root at stable, ancestry)");

  // 1. The lock; no interrupted promotion pending; no history rewrites.
  std::optional<core::PromotionLock> lock = promotion_lock(workspace, options.dry_run);
  if (auto plain = core::refuse_history_rewrites(repo); !plain) {
    environment_error("stage move refused: " + plain.error().message);
  }
  if (auto pending = core::read_journal(repo, workspace.git_dir); !pending || *pending) {
    environment_error(pending ? "an interrupted promotion is pending: run `tollgate promote` to finish it first"
                              : pending.error().message);
  }

  // 2. The stage path in force (the trust root's), the stage and the one before it.
  const git::Oid head = resolve_revision(repo, "HEAD");
  const core::StagePath path = stage_path_or_fatal(repo, config, head);
  const std::size_t index = stage_index_or_fatal(path, options.stage);
  if (index == 0) {
    usage_error(fmt::format("`{}` is the first stage: `tollgate promote` (without --stage) cuts a release into it",
                            options.stage));
  }
  const core::StageConfig& stage = path.stages[index];
  const core::StageConfig& before = path.stages[index - 1];

  // 3. The release: the one at the stage before, now.
  const core::StageHolder from = holder_or_fatal(repo, before.name);
  const std::string& release = from.record.release;
  if (!options.release.empty() && options.release != release) {
    refused(fmt::format("stage move refused: {} is not at `{}` now ({} holds {}): only the release there moves on "
                        "to `{}`",
                        options.release, before.name, before.name, release, stage.name));
  }
  if (auto named = git::read_ref(repo, "refs/tags/" + release); !named || *named != from.record.release_tag) {
    refused(fmt::format("stage move refused: `{}` names {} {}, but that tag is not it", before.name, release,
                        from.record.release_tag.short_hex()));
  }

  // The stage before as tollgate signed and logged it: a tag put there by hand (its time would be the
  // soak's start) is refused here, not only by a later `tollgate verify`.
  require_verified(repo, config, before.name, "stage move refused: the release at");

  // 4. The stage now: never backwards, never the same release twice.
  auto current = core::read_stage(repo, stage.name);
  if (!current) {
    environment_error(current.error().message);
  }
  if (*current && (*current)->record.release_tag == from.record.release_tag) {
    refused(fmt::format("stage move refused: {} is at `{}` already", release, stage.name));
  }
  if (*current) {
    auto descends = git::descends_from(repo, from.commit, (*current)->commit);
    if (!descends || !*descends) {
      refused(fmt::format("stage move refused: {} does not descend from {} at `{}`: a stage never moves backwards "
                          "(`tollgate rollback --demote --stage {}` does)",
                          release, (*current)->record.release, stage.name, stage.name));
    }
  }

  // 5. The soak: how long the release has held the stage before (its tag's signed time).
  const std::int64_t now = std::time(nullptr);
  const std::int64_t held = now - from.since;
  if (held < stage.soak) {
    refused(fmt::format("stage move refused: {} has been at `{}` for {} of the {} soak `{}` requires ({} left)",
                        release, before.name, core::format_duration(held), core::format_duration(stage.soak),
                        stage.name, core::format_duration(stage.soak - held)));
  }

  // 6. The sign-offs, judged against the trust root.
  const core::TrustRoot root = trust_root_or_fatal(repo, config, from.commit);
  auto signoffs = core::evaluate_signoffs(repo, root, stage.name, release, from.record.release_tag, stage.signoffs);
  if (!signoffs) {
    environment_error(signoffs.error().message);
  }
  if (!signoffs->satisfied()) {
    refused(fmt::format("stage move refused: {} of {} sign-off{} of {} for `{}`{}; maintainers run `tollgate approve "
                        "--stage {} {}`",
                        signoffs->counted(), stage.signoffs, stage.signoffs == 1 ? "" : "s", release, stage.name,
                        refused_signoffs(*signoffs), stage.name, release));
  }

  // 7. The signing key: a maintainer's.
  const gpg::Context gpg = signing_context();
  auto key = core::choose_signing_key(gpg, repo, options.key, config.release.signing_key);
  if (!key) {
    environment_error("stage move refused: " + key.error().message);
  }
  require_maintainer_key(repo, config, from.commit, *key, "stage move");
  const StageRelease moving = release_of(from, config);
  const StageRelease arriving{stage.name, moving.tag, moving.version, moving.commit};
  const std::string verify =
      stage.verify.empty() ? std::string()
                           : render_stage_command(stage.verify, arriving, fmt::format("stage `{}` verify", stage.name));
  if (options.dry_run) {
    const std::string deploy =
        stage.deploy.empty()
            ? std::string()
            : render_stage_command(stage.deploy, arriving, fmt::format("stage `{}` deploy", stage.name));
    if (globals.json) {
      print_json({{"dry_run", true},
                  {"release", release},
                  {"from", before.name},
                  {"stage", stage.name},
                  {"held", held},
                  {"signoffs", signoffs->counted()},
                  {"verify", verify},
                  {"deploy", deploy}});
      return exit_code::k_ok;
    }
    fmt::print("dry run: nothing was changed. Moving {} from `{}` to `{}` would:\n", release, before.name, stage.name);
    fmt::print("  1. {}\n", verify.empty() ? "run no verify (the stage has none)" : "run the verify: " + verify);
    fmt::print("  2. sign `{}` -> {} (held `{}` for {}, {} sign-off{}) and append it to refs/tollgate/log\n",
               stage.name, release, before.name, core::format_duration(held), signoffs->counted(),
               signoffs->counted() == 1 ? "" : "s");
    fmt::print("  3. {}\n", deploy.empty() ? "deploy nothing (the stage has no deploy)" : "deploy: " + deploy);
    return exit_code::k_ok;
  }

  // 8. The verify command, run by tollgate, its output logged; a failure refuses the move.
  std::string verify_log;
  if (!verify.empty()) {
    std::string run_id;
    const std::filesystem::path dir = core::create_run_dir(workspace, run_id);
    const std::filesystem::path log = dir / fmt::format("verify-{}.log", stage.name);
    verify_log = log.string();
    if (!globals.json) {
      fmt::print("verify {} for `{}`: {}\n", release, stage.name, verify);
    }
    const proc::Outcome outcome = run_operator_command(repo, arriving, verify, stage.timeout, log, globals);
    if (outcome.ended != proc::Ended::exited || outcome.exit_code != 0) {
      std::fprintf(stderr, "%s", util::tail_lines(util::read_file_tail(log, 16384), 20).c_str());
      refused(fmt::format("stage move refused: the verify of {} for `{}` failed ({}); nothing was signed; its output: "
                          "{}",
                          release, stage.name, outcome.describe(), verify_log));
    }
    if (!globals.json) {
      fmt::print("verify passed: {}\n", outcome.describe());
    }
  }

  // 9. The signed stage tag and audit-log entry, then the refs, compare-and-swap.
  core::StageEvidence evidence;
  evidence.from_stage = before.name;
  evidence.from_tag = from.tag;
  evidence.entered = from.since;
  evidence.soak = stage.soak;
  evidence.held = held;
  for (const auto& signoff : signoffs->signoffs) {
    if (signoff.counts()) {
      evidence.signoffs.push_back(
          {signoff.maintainer, signoff.email, signoff.fingerprint, *git::Oid::parse(signoff.object)});
    }
  }
  evidence.verify = verify.empty() ? std::string() : "pass " + verify;
  auto log_head = git::read_ref(repo, core::k_audit_log_ref);
  if (!log_head) {
    environment_error(log_head.error().message);
  }
  core::StageTagWrite write;
  write.stage = stage.name;
  write.stable = stage.name == config.release.stable_tag;
  write.commit = from.commit;
  write.record.release = release;
  write.record.release_tag = from.record.release_tag;
  if (*current) {
    write.record.previous_stable = core::StableRef{(*current)->record.release, (*current)->commit};
  }
  write.record.stage = write.stable ? std::string() : stage.name;
  write.record.evidence = evidence;
  write.old_tag = *current ? std::optional<git::Oid>((*current)->tag) : std::nullopt;
  write.log_head = *log_head;
  write.event = {
      {"format", 1},
      {"event", "stage"},
      {"stage", stage.name},
      {"release", release},
      {"version", moving.version},
      {"commit", from.commit.hex()},
      {"release_tag", from.record.release_tag.hex()},
      {"from_stage", before.name},
      {"from_tag", from.tag.hex()},
      {"entered", from.since},
      {"soak", stage.soak},
      {"held", held},
      {"signoffs", signoffs_json(evidence.signoffs)},
      {"signoffs_required", stage.signoffs},
      {"verify", verify.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"command", verify}, {"status", "pass"}}},
      {"previous_at_stage",
       *current ? nlohmann::json{{"tag", (*current)->record.release}, {"commit", (*current)->commit.hex()}}
                : nlohmann::json(nullptr)}};
  write.summary = fmt::format("stage {} {} -> {}", release, before.name, stage.name);
  write.journal_name = fmt::format("the move of {} to {}", release, stage.name);
  auto journal = core::write_stage_tag(repo, gpg, *key, write);
  if (!journal) {
    environment_error("stage move failed before any ref moved: " + journal.error().message);
  }
  if (auto committed = core::commit_release(repo, workspace.git_dir, *journal); !committed) {
    environment_error("stage move stopped: " + committed.error().message);
  }
  lock.reset();
  if (!globals.json) {
    fmt::print("moved {} from `{}` to `{}` (held {}, {} sign-off{}{}), signed by {}\n", release, before.name,
               stage.name, core::format_duration(held), evidence.signoffs.size(),
               evidence.signoffs.size() == 1 ? "" : "s", verify.empty() ? "" : ", verify passed", key->user_id);
  }

  // 10. Push, when asked (or to release.remote): the stage tag, the log and the sign-offs.
  const std::string remote = options.push.empty() ? config.release.remote : options.push;
  if (!remote.empty()) {
    std::vector<std::string> extra;
    for (const auto& signoff : signoffs->signoffs) {
      extra.push_back(signoff.ref);
    }
    if (auto done = git::push(repo, remote, core::publish_refspecs(*journal, extra)); !done) {
      environment_error(fmt::format("moved here, but the push to {} failed: {}; push it with `{}`", remote,
                                    done.error().message, core::publish_command(*journal)));
    }
  } else if (!globals.json) {
    fmt::print("push it: {}\n", core::publish_command(*journal));
  }

  // 11. The stage's deploy, now that its tag moved.
  const bool deployed = deploy_stage(
      repo, stage, arriving,
      fmt::format("`{}` stays on {} (the audit log records it): `tollgate rollback --stage {}` retries the deploy",
                  stage.name, release, stage.name),
      globals);
  if (globals.json) {
    print_json({{"moved", true},
                {"release", release},
                {"from", before.name},
                {"stage", stage.name},
                {"held", held},
                {"signoffs", signoffs_json(evidence.signoffs)},
                {"verify", verify},
                {"verify_log", verify_log},
                {"deployed", deployed},
                {"pushed", remote}});
  }
  return exit_code::k_ok;
}

} // namespace tollgate::cli
