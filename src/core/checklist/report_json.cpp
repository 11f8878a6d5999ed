#include "core/checklist/report.hpp"

#include "util/strings.hpp"

namespace tollgate::core {

namespace {

// Tool output is not always UTF-8; JSON must be.
void sanitize(nlohmann::json& value)
{
  if (value.is_string()) {
    value = util::sanitize_utf8(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& item : value) {
      sanitize(item);
    }
  }
}

} // namespace

nlohmann::json to_json(const CheckReport& check)
{
  const auto& result = check.result;
  nlohmann::json json = {
      {"id", check.id},
      {"kind", check.kind},
      {"status", to_string(result.status)},
      {"seconds", result.seconds},
      {"summary", result.summary},
      {"log", result.log.empty() ? nlohmann::json(nullptr) : nlohmann::json(result.log.string())},
      {"details", result.details},
  };
  sanitize(json);
  if (result.outcome) {
    const auto& outcome = *result.outcome;
    json["sandbox"] = {
        {"ended", outcome.describe()},
        {"exit_code", outcome.exit_code},
        {"backend", proc::to_string(outcome.backend)},
        {"cpu_seconds", outcome.cpu_seconds},
        {"max_rss_kb", outcome.max_rss_kb},
    };
  }
  return json;
}

nlohmann::json to_json(const RunReport& report)
{
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& check : report.checks) {
    checks.push_back(to_json(check));
  }
  const int code = report.exit_code();
  return {
      {"tollgate", TOLLGATE_VERSION},
      {"status", code == 0   ? "pass"
                 : code == 1 ? "fail"
                             : "error"},
      {"exit_code", code},
      {"run_id", report.run_id},
      {"log_dir", report.log_dir.string()},
      {"seconds", report.seconds},
      {"counts",
       {{"pass", report.count(checks::Status::pass)},
        {"fail", report.count(checks::Status::fail)},
        {"error", report.count(checks::Status::error)},
        {"skipped", report.count(checks::Status::skipped)}}},
      {"checks", checks},
  };
}

} // namespace tollgate::core
