// `tollgate doctor`: what this machine and repository have (core/setup/doctor.hpp probes it), as
// text or JSON. Exit 0 when everything the configuration needs is there, 2 for an invalid config, 3
// otherwise.

#include "core/setup/doctor.hpp"
#include "cli/common.hpp"
#include "util/term.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unistd.h>

namespace tollgate::cli {

namespace {

int run_doctor(const Globals& globals)
{
  const core::DoctorReport report = core::doctor();
  const int code = report.exit_code();
  if (globals.json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& finding : report.findings) {
      items.push_back({{"name", finding.name}, {"status", core::to_string(finding.level)}, {"detail", finding.detail}});
    }
    print_json(nlohmann::json{{"ok", code == 0}, {"exit_code", code}, {"findings", items}});
    return code;
  }
  util::Style style;
  style.color = globals.color_on(STDOUT_FILENO);
  std::size_t width = 0;
  for (const auto& finding : report.findings) {
    width = std::max(width, finding.name.size());
  }
  for (const auto& finding : report.findings) {
    std::string mark;
    switch (finding.level) {
    case core::FindingLevel::ok:
      mark = style.green("ok  ");
      break;
    case core::FindingLevel::warn:
      mark = style.yellow("warn");
      break;
    case core::FindingLevel::fail:
      mark = style.red("FAIL");
      break;
    case core::FindingLevel::info:
      mark = style.dim("--  ");
      break;
    }
    fmt::print("{} {:<{}}  {}\n", mark, finding.name, width, finding.detail);
  }
  return code;
}

} // namespace

std::function<int()> setup_doctor(CLI::App& /*app*/, const Globals& globals)
{
  return [&globals] { return run_doctor(globals); };
}

} // namespace tollgate::cli
