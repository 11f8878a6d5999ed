// SARIF (`check --sarif`), GitHub error annotations with a location, and the text reporter's -q/-v.
#include "core/checklist/report.hpp"

#include "support/temp_dir.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>

using namespace tollgate;

namespace {

core::CheckReport make_check(std::string id, checks::Status status, std::string summary, int line)
{
  core::CheckReport check;
  check.id = id;
  check.kind = "command";
  check.location = core::Location{"/abs/tollgate.yaml", line, 5};
  check.result.status = status;
  check.result.summary = std::move(summary);
  return check;
}

core::RunReport sample()
{
  core::RunReport report;
  report.checks.push_back(make_check("lint", checks::Status::pass, "exit 0", 3));
  report.checks.push_back(make_check("unit", checks::Status::fail, "exit 1", 4));
  report.checks.back().result.problems = {"test_x failed"};
  report.checks.push_back(make_check("deploy", checks::Status::skipped, "not run", 0));
  return report;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string report_text(const core::RunReport& report, int verbosity)
{
  const std::unique_ptr<std::FILE, FileCloser> out(std::tmpfile());
  core::TextOptions options;
  options.verbosity = verbosity;
  core::TextReporter reporter(out.get(), options);
  reporter.begin({});
  for (const auto& check : report.checks) {
    reporter.finished(check);
  }
  reporter.end(report);
  std::fflush(out.get());
  std::rewind(out.get());
  std::string text;
  char buffer[4096];
  for (std::size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, out.get())) > 0;) {
    text.append(buffer, n);
  }
  return text;
}

} // namespace

TEST_CASE("to_sarif: SARIF 2.1.0, one rule and one result per check, located in tollgate.yaml", "[report][sarif]")
{
  const nlohmann::json sarif = core::to_sarif(sample(), "tollgate.yaml");
  CHECK(sarif["version"] == "2.1.0");
  CHECK(sarif["$schema"].get<std::string>().find("sarif-2.1.0") != std::string::npos);
  REQUIRE(sarif["runs"].size() == 1);
  const auto& run = sarif["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "tollgate");
  REQUIRE(run["tool"]["driver"]["rules"].size() == 3);
  CHECK(run["tool"]["driver"]["rules"][1]["id"] == "unit");
  const auto& results = run["results"];
  REQUIRE(results.size() == 3);
  CHECK(results[0]["kind"] == "pass");
  CHECK(results[0]["level"] == "none");
  CHECK(results[1]["kind"] == "fail");
  CHECK(results[1]["level"] == "error");
  CHECK(results[1]["ruleId"] == "unit");
  CHECK(results[1]["ruleIndex"] == 1);
  CHECK(results[1]["message"]["text"] == "exit 1\ntest_x failed");
  const auto& location = results[1]["locations"][0]["physicalLocation"];
  CHECK(location["artifactLocation"]["uri"] == "tollgate.yaml");
  CHECK(location["region"]["startLine"] == 4);
  CHECK(location["region"]["startColumn"] == 5);
  CHECK(results[2]["kind"] == "notApplicable");
  CHECK_FALSE(results[2]["locations"][0]["physicalLocation"].contains("region")); // no line known
  CHECK(run["invocations"][0]["executionSuccessful"] == true);
}

TEST_CASE("to_sarif: a check that could not run makes the invocation unsuccessful", "[report][sarif]")
{
  core::RunReport report = sample();
  report.checks[0].result.status = checks::Status::error;
  CHECK(core::to_sarif(report, "tollgate.yaml")["runs"][0]["invocations"][0]["executionSuccessful"] == false);
}

TEST_CASE("github_error: a leading FILE:LINE:COL becomes the annotation's location", "[report]")
{
  CHECK(core::github_error("tollgate.yaml:3:7: unknown key `chekcs`") ==
        "::error file=tollgate.yaml,line=3,col=7::unknown key `chekcs`\n");
  CHECK(core::github_error("dir/a,b:c.yaml:12:1: bad: very") ==
        "::error file=dir/a%2Cb%3Ac.yaml,line=12,col=1::bad: very\n");
  CHECK(core::github_error("policies/x.rego:2:10: rego_parse_error: 100% wrong\nnext") ==
        "::error file=policies/x.rego,line=2,col=10::rego_parse_error: 100%25 wrong%0Anext\n");
  // No location: the message alone.
  CHECK(core::github_error("no tollgate.yaml in /repo") == "::error::no tollgate.yaml in /repo\n");
  CHECK(core::github_error("tag v1:2 is odd") == "::error::tag v1:2 is odd\n");
  CHECK(core::github_error("x:1:2 without the space") == "::error::x:1:2 without the space\n");
  CHECK(core::github_error(":1:2: no file") == "::error:::1:2: no file\n");
  CHECK(core::github_error("cannot read x: y.yaml:1:2: z") == "::error::cannot read x: y.yaml:1:2: z\n");
}

TEST_CASE("TextReporter verbosity: -q keeps failures and the verdict, -v adds every log", "[report]")
{
  const test::TempDir dir;
  core::RunReport report = sample();
  report.log_dir = dir.path();
  report.checks[0].result.log = dir.write("lint.log", "lint said fine\n");
  report.checks[1].result.log = dir.write("unit.log", "unit said no\n");

  const std::string quiet = report_text(report, -1);
  CHECK(quiet.find("lint") == std::string::npos);
  CHECK(quiet.find("deploy") == std::string::npos);
  CHECK(quiet.find("fail    unit") != std::string::npos);
  CHECK(quiet.find("unit said no") != std::string::npos);
  CHECK(quiet.find("checklist failed") != std::string::npos);
  CHECK(quiet.find("logs: ") == std::string::npos);

  const std::string normal = report_text(report, 0);
  CHECK(normal.find("pass    lint") != std::string::npos);
  CHECK(normal.find("log: " + core::display_path(dir.path() / "lint.log")) == std::string::npos);

  const std::string verbose = report_text(report, 1);
  CHECK(verbose.find("log: " + core::display_path(dir.path() / "lint.log")) != std::string::npos);
}
