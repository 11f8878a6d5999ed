#include "core/release/stage_commands.hpp"

#include "core/release/signoffs.hpp"
#include "core/trust/trust_root.hpp"
#include "git/worktree.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

namespace tollgate::core {

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

} // namespace

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
                                   double timeout, const std::filesystem::path& log, const Progress& progress)
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
  run.stdout_to_stderr = progress.json();
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

bool deploy_stage(const git::Repository& repo, const StageConfig& stage, const StageRelease& release,
                  const std::string& retry, Progress& progress)
{
  if (stage.deploy.empty()) {
    return false;
  }
  const std::string command = render_stage_command(stage.deploy, release, fmt::format("stage `{}` deploy", stage.name));
  progress.say(fmt::format("deploying {} to {}: {}", release.tag, stage.name, command));
  const proc::Outcome outcome = run_operator_command(repo, release, command, stage.timeout, {}, progress);
  if (outcome.ended != proc::Ended::exited || outcome.exit_code != 0) {
    environment_error(
        fmt::format("the deploy of {} to {} failed ({}); {}", release.tag, stage.name, outcome.describe(), retry));
  }
  progress.say(fmt::format("deploy done: {}", outcome.describe()));
  return true;
}

StageStatus stage_status(const git::Repository& repo, const Config& config, const StagePath& path)
{
  StageStatus status;
  std::optional<StageHolder> before;
  const std::int64_t now = std::time(nullptr);
  for (const auto& stage : path.stages) {
    auto holder = read_stage(repo, stage.name);
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
        waits.push_back(fmt::format("{} of soak", format_duration(left)));
        item["soak_left"] = left;
      }
      int counted = 0;
      if (stage.signoffs > 0) {
        auto root = load_trust_root(repo, config, before->commit);
        auto signoffs =
            root ? evaluate_signoffs(repo, *root, stage.name, release, before->record.release_tag, stage.signoffs)
                 : Result<SignoffReport>(fail(root.error().message));
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
    before = holder && *holder ? std::optional<StageHolder>(**holder) : std::nullopt;
  }
  return status;
}

} // namespace tollgate::core
