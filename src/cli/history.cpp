// `tollgate history [-n N]`: promotions, stage moves and demotions from the audit log
// (refs/tollgate/log), newest first: time, actor, event, release, commit, the stage (docs/stages.md),
// approvals, the stage move's evidence, or the reason.

#include "cli/common.hpp"
#include "core/checklist/checks_in_force.hpp"
#include "core/release/stages.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/require.hpp"
#include "git/refs.hpp"
#include "util/fatal.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

namespace tollgate::cli {

namespace {

struct HistoryOptions {
  std::size_t limit = 0;
};

std::string when(std::int64_t seconds)
{
  const std::time_t time = seconds;
  std::tm utc{};
  gmtime_r(&time, &utc);
  return fmt::format("{:%Y-%m-%d %H:%M}Z", utc);
}

int run_history(const HistoryOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace(core::WorkTree::optional);
  const git::Repository repo = core::open_repository(workspace);
  auto head = git::read_ref(repo, core::k_audit_log_ref);
  if (!head) {
    environment_error(head.error().message);
  }
  std::vector<core::AuditEntry> entries;
  if (*head) {
    auto read = core::read_audit_log(repo, **head, options.limit);
    if (!read) {
      environment_error(read.error().message);
    }
    entries = std::move(*read);
  }
  if (globals.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& entry : entries) {
      nlohmann::json event = entry.event.is_null() ? nlohmann::json::object() : entry.event;
      event["log_commit"] = entry.commit.hex();
      event["signed"] = !entry.signature.empty();
      list.push_back(event);
    }
    print_json({{"events", list}});
    return exit_code::k_ok;
  }
  if (entries.empty()) {
    fmt::print("no promotions yet (refs/tollgate/log is empty; fetch it with `git fetch origin "
               "'refs/tollgate/*:refs/tollgate/*'`)\n");
    return exit_code::k_ok;
  }
  for (const auto& entry : entries) {
    const nlohmann::json& event = entry.event;
    if (event.is_null()) {
      fmt::print("{}  (unreadable entry: {})\n", entry.commit.short_hex(), entry.summary);
      continue;
    }
    const std::string actor = event.contains("actor") ? event["actor"].value("name", "?") : "?";
    std::string detail;
    const std::string stage = event.contains("stage") ? event.value("stage", "") + ": " : "";
    if (event.value("event", "") == "demote") {
      detail = fmt::format("{}from {}, reason: {}", stage, event["demoted_from"].value("tag", "?"),
                           event.value("reason", ""));
    } else if (event.value("event", "") == "stage") {
      std::vector<std::string> names;
      for (const auto& signoff : event.value("signoffs", nlohmann::json::array())) {
        names.push_back(signoff.value("name", "?"));
      }
      detail = fmt::format("{} -> {}, held {} (soak {}), signed off by {}, verify {}", event.value("from_stage", "?"),
                           event.value("stage", "?"), core::format_duration(event.value("held", std::int64_t{0})),
                           core::format_duration(event.value("soak", std::int64_t{0})),
                           names.empty() ? std::string("nobody") : fmt::format("{}", fmt::join(names, ", ")),
                           event["verify"].is_object() ? event["verify"].value("status", "?") : "none");
    } else {
      std::vector<std::string> names;
      for (const auto& approval : event.value("approvals", nlohmann::json::array())) {
        names.push_back(approval.value("name", "?"));
      }
      detail = fmt::format("{}approved by {}", event.contains("stage") ? "into " + stage : "",
                           names.empty() ? std::string("nobody") : fmt::format("{}", fmt::join(names, ", ")));
      if (event.value("sandbox", "").find("confine=off") != std::string::npos) {
        detail += "  UNCONFINED: checks ran with confine=off";
      }
    }
    fmt::print("{}  {:<7}  {:<10}  {}  by {}  {}\n", when(event.value("time", std::int64_t{0})),
               event.value("event", "?"), event.value("release", "?"), event.value("commit", "").substr(0, 7), actor,
               detail);
  }
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_history(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<HistoryOptions>();
  const auto positive = [](const std::string& value) {
    const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
    return digits && value.find_first_not_of('0') != std::string::npos
               ? std::string()
               : "expected a positive whole number, not `" + value + "`";
  };
  app.add_option("-n,--max-count", options->limit, "Show at most N events")
      ->type_name("N")
      ->check(CLI::Validator(positive, ""));
  return [options, &globals] { return run_history(*options, globals); };
}

} // namespace tollgate::cli
