#include "core/checklist/report.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::core {

nlohmann::json to_sarif(const RunReport& report, std::string_view config_file)
{
  nlohmann::json rules = nlohmann::json::array();
  nlohmann::json results = nlohmann::json::array();
  for (std::size_t index = 0; index < report.checks.size(); ++index) {
    const CheckReport& check = report.checks[index];
    rules.push_back({{"id", check.id},
                     {"name", check.kind},
                     {"shortDescription", {{"text", fmt::format("tollgate check `{}` ({})", check.id, check.kind)}}}});
    std::string text =
        check.result.summary.empty() ? std::string(to_string(check.result.status)) : check.result.summary;
    for (const auto& problem : check.result.problems) {
      text += "\n" + problem;
    }
    nlohmann::json region = nlohmann::json::object();
    if (check.location.line > 0) {
      region = {{"startLine", check.location.line}, {"startColumn", std::max(check.location.column, 1)}};
    }
    nlohmann::json physical = {{"artifactLocation", {{"uri", std::string(config_file)}}}};
    if (!region.empty()) {
      physical["region"] = region;
    }
    nlohmann::json result = {{"ruleId", check.id},
                             {"ruleIndex", index},
                             {"message", {{"text", util::sanitize_utf8(text)}}},
                             {"locations", nlohmann::json::array({{{"physicalLocation", physical}}})}};
    switch (check.result.status) {
    case checks::Status::fail:
    case checks::Status::error:
      result["kind"] = "fail";
      result["level"] = "error";
      break;
    case checks::Status::pass:
      result["kind"] = "pass";
      result["level"] = "none";
      break;
    case checks::Status::skipped:
      result["kind"] = "notApplicable";
      result["level"] = "none";
      break;
    }
    results.push_back(std::move(result));
  }
  nlohmann::json driver = {{"name", "tollgate"}, {"version", TOLLGATE_VERSION}, {"rules", rules}};
  const bool ran = report.count(checks::Status::error) == 0; // a check that could not run, even beside failures
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({{{"tool", {{"driver", driver}}},
                                           {"invocations", nlohmann::json::array({{{"executionSuccessful", ran}}})},
                                           {"results", results}}})}};
}

} // namespace tollgate::core
