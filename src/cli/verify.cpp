// `tollgate verify [TAG]` (default: stable): re-verifies a release from the repository alone. Exit 0
// only if every check holds; 1 names each that does not; 2 when TAG is no tag (core::verify).

#include "core/release/verify.hpp"
#include "cli/common.hpp"
#include "util/fatal.hpp"
#include "util/term.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace tollgate::cli {

namespace {

struct VerifyOptions {
  std::string tag;
};

int run_verify(const VerifyOptions& options, const Globals& globals)
{
  const core::VerifyReport report = core::verify(options.tag);
  const std::string& tag = report.tag;
  if (globals.json) {
    print_json(report.to_json());
    return report.ok() ? exit_code::k_ok : exit_code::k_failed;
  }
  util::Style style;
  style.color = globals.color_on(STDOUT_FILENO);
  std::size_t width = 0;
  for (const auto& finding : report.findings) {
    width = std::max(width, finding.name.size());
  }
  fmt::print("verify {}{}\n", tag, report.release != tag ? " -> " + report.release : "");
  for (const auto& finding : report.findings) {
    fmt::print("  {} {:<{}}  {}\n", finding.ok ? style.green("✔") : style.red("✘"), finding.name, width,
               finding.detail);
  }
  const auto problems =
      std::count_if(report.findings.begin(), report.findings.end(), [](const auto& f) { return !f.ok; });
  if (report.ok()) {
    fmt::print("{}\n", style.green(fmt::format("{} verified", report.release)));
    return exit_code::k_ok;
  }
  fmt::print("{}\n", style.red(fmt::format("{} NOT verified: {} problem{}", report.release, problems,
                                           problems == 1 ? "" : "s")));
  return exit_code::k_failed;
}

} // namespace

std::function<int()> setup_verify(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<VerifyOptions>();
  app.add_option("tag", options->tag, "The release or stable tag to verify (default: release.stable_tag)")
      ->type_name("TAG");
  return [options, &globals] { return run_verify(*options, globals); };
}

} // namespace tollgate::cli
