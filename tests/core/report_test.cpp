#include "core/checklist/report.hpp"

#include "support/temp_dir.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace tollgate;

namespace {

core::CheckReport make_check(std::string id, std::string kind, checks::Status status, std::string summary,
                             double seconds = 0)
{
  core::CheckReport check;
  check.id = std::move(id);
  check.kind = std::move(kind);
  check.result.status = status;
  check.result.summary = std::move(summary);
  check.result.seconds = seconds;
  return check;
}

// A check that only has a name, for TextReporter::begin.
class NamedCheck final : public checks::Check {
public:
  explicit NamedCheck(const std::string& id) : checks::Check(make_spec(id)) {}
  checks::CheckResult run(const checks::Context&) override { return {}; }

private:
  static core::CheckSpec make_spec(const std::string& id)
  {
    core::CheckSpec spec;
    spec.kind = "fake";
    spec.id = id;
    return spec;
  }
};

std::vector<std::unique_ptr<checks::Check>> named_checks(const core::RunReport& report)
{
  std::vector<std::unique_ptr<checks::Check>> checks;
  for (const auto& check : report.checks) {
    checks.push_back(std::make_unique<NamedCheck>(check.id));
  }
  return checks;
}

// Everything written to a tmpfile().
std::string contents(std::FILE* file)
{
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, n);
  }
  return text;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

bool valid_utf8(std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (byte < 0x80) {
      extra = 0;
    } else if ((byte & 0xE0) == 0xC0 && byte >= 0xC2) {
      extra = 1;
    } else if ((byte & 0xF0) == 0xE0) {
      extra = 2;
    } else if ((byte & 0xF8) == 0xF0 && byte <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

// Text between markup: `&` only as a predefined entity or a character reference, never `<`.
std::string text_problem(std::string_view text)
{
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<') {
      return "`<` in text";
    }
    if (text[i] != '&') {
      continue;
    }
    const std::size_t end = text.find(';', i);
    if (end == std::string_view::npos) {
      return "unterminated entity";
    }
    const std::string_view name = text.substr(i + 1, end - i - 1);
    const bool predefined = name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
    const bool numeric = name.size() > 1 && name[0] == '#';
    if (!predefined && !numeric) {
      return "unknown entity &" + std::string(name) + ";";
    }
    i = end;
  }
  return "";
}

// "" when `xml` is well-formed as far as JUnit output needs: one root, balanced and properly nested
// elements, quoted attributes, valid entities, only characters XML 1.0 allows; else what is wrong.
std::string xml_problem(std::string_view xml)
{
  if (!valid_utf8(xml)) {
    return "not UTF-8";
  }
  for (const char c : xml) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      return "control character";
    }
  }
  std::size_t pos = 0;
  if (xml.starts_with("<?xml")) {
    pos = xml.find("?>");
    if (pos == std::string_view::npos) {
      return "unterminated declaration";
    }
    pos += 2;
  }
  std::vector<std::string> open;
  int roots = 0;
  while (pos < xml.size()) {
    const std::size_t lt = xml.find('<', pos);
    const std::string_view text = xml.substr(pos, (lt == std::string_view::npos ? xml.size() : lt) - pos);
    if (auto problem = text_problem(text); !problem.empty()) {
      return problem;
    }
    if (open.empty() && text.find_first_not_of(" \n\r\t") != std::string_view::npos) {
      return "text outside the root";
    }
    if (lt == std::string_view::npos) {
      break;
    }
    pos = lt + 1;
    const bool closing = pos < xml.size() && xml[pos] == '/';
    if (closing) {
      ++pos;
    }
    const std::size_t name_end = xml.find_first_of(" \n\t/>", pos);
    if (name_end == std::string_view::npos || name_end == pos) {
      return "bad tag name";
    }
    const std::string name(xml.substr(pos, name_end - pos));
    pos = name_end;
    if (closing) {
      if (open.empty() || open.back() != name || xml[pos] != '>') {
        return "unbalanced </" + name + ">";
      }
      open.pop_back();
      ++pos;
      continue;
    }
    if (open.empty() && ++roots > 1) {
      return "more than one root";
    }
    for (;;) {
      while (pos < xml.size() && (xml[pos] == ' ' || xml[pos] == '\n' || xml[pos] == '\t')) {
        ++pos;
      }
      if (pos >= xml.size()) {
        return "unterminated tag";
      }
      if (xml.substr(pos, 2) == "/>") {
        pos += 2;
        break;
      }
      if (xml[pos] == '>') {
        open.push_back(name);
        ++pos;
        break;
      }
      const std::size_t eq = xml.find('=', pos);
      if (eq == std::string_view::npos || eq + 1 >= xml.size() || xml[eq + 1] != '"') {
        return "unquoted attribute in <" + name + ">";
      }
      const std::size_t close = xml.find('"', eq + 2);
      if (close == std::string_view::npos) {
        return "unterminated attribute in <" + name + ">";
      }
      if (auto problem = text_problem(xml.substr(eq + 2, close - eq - 2)); !problem.empty()) {
        return problem + " in an attribute of <" + name + ">";
      }
      pos = close + 1;
    }
  }
  if (!open.empty()) {
    return "unclosed <" + open.back() + ">";
  }
  return roots == 1 ? "" : "no root";
}

// A report with one check of each status; the failing one has a log.
core::RunReport sample_report(const test::TempDir& dir)
{
  core::RunReport report;
  report.run_id = "20240101T000000Z-42";
  report.log_dir = dir.path();
  report.seconds = 4.3;
  report.checks.push_back(make_check("lint", "command", checks::Status::pass, "ok", 1.5));
  auto pytest = make_check("pytest", "pytest", checks::Status::fail, "1 failed, 2 passed", 2.0);
  pytest.result.log = dir.write("pytest.log", "collected 3 items\nE   assert 1 == 2\n");
  pytest.result.details = {{"passed", 2}, {"failed", 1}};
  report.checks.push_back(std::move(pytest));
  report.checks.push_back(make_check("env", "command", checks::Status::skipped, "check_env.py does not exist"));
  report.checks.push_back(make_check("deploy", "command", checks::Status::error, "cannot start `deploy.sh`", 0.5));
  return report;
}

} // namespace

TEST_CASE("xml_problem, the test's own checker, rejects what it should", "[report]")
{
  CHECK(xml_problem("<a><b x=\"1\"/>t &amp; u</a>").empty());
  CHECK_FALSE(xml_problem("<a><b></a>").empty());
  CHECK_FALSE(xml_problem("<a>x & y</a>").empty());
  CHECK_FALSE(xml_problem("<a x=\"<\"/>").empty());
  CHECK_FALSE(xml_problem("<a>\x01</a>").empty());
  CHECK_FALSE(xml_problem("<a>\xc3</a>").empty());
  CHECK_FALSE(xml_problem("<a/><b/>").empty());
}

TEST_CASE("RunReport::exit_code: fail wins, then error, else 0", "[report]")
{
  core::RunReport report;
  CHECK(report.exit_code() == 0);
  report.checks.push_back(make_check("a", "fake", checks::Status::pass, ""));
  report.checks.push_back(make_check("b", "fake", checks::Status::skipped, ""));
  CHECK(report.exit_code() == 0);
  report.checks.push_back(make_check("c", "fake", checks::Status::error, ""));
  CHECK(report.exit_code() == 3);
  report.checks.push_back(make_check("d", "fake", checks::Status::fail, ""));
  CHECK(report.exit_code() == 1);
  CHECK(report.count(checks::Status::pass) == 1);
  CHECK(report.count(checks::Status::fail) == 1);
  CHECK(report.count(checks::Status::error) == 1);
  CHECK(report.count(checks::Status::skipped) == 1);
}

TEST_CASE("to_json: the report document", "[report]")
{
  const test::TempDir dir;
  const core::RunReport report = sample_report(dir);
  const nlohmann::json json = core::to_json(report);

  CHECK(json["tollgate"] == TOLLGATE_VERSION);
  CHECK(json["status"] == "fail");
  CHECK(json["exit_code"] == 1);
  CHECK(json["run_id"] == "20240101T000000Z-42");
  CHECK(json["log_dir"] == dir.path().string());
  CHECK(json["seconds"].get<double>() == Approx(4.3));
  CHECK(json["counts"] == nlohmann::json{{"pass", 1}, {"fail", 1}, {"error", 1}, {"skipped", 1}});

  const auto& checks = json["checks"];
  REQUIRE(checks.is_array());
  REQUIRE(checks.size() == 4);
  for (const auto& check : checks) {
    for (const char* key : {"id", "kind", "status", "seconds", "summary", "log", "details"}) {
      INFO(key);
      CHECK(check.contains(key));
    }
    CHECK(check["details"].is_object());
    CHECK_FALSE(check.contains("sandbox")); // no command ran
  }
  CHECK(checks[0]["id"] == "lint");
  CHECK(checks[0]["kind"] == "command");
  CHECK(checks[0]["status"] == "pass");
  CHECK(checks[0]["seconds"].get<double>() == Approx(1.5));
  CHECK(checks[0]["summary"] == "ok");
  CHECK(checks[0]["log"].is_null());
  CHECK(checks[0]["details"].empty());
  CHECK(checks[1]["status"] == "fail");
  CHECK(checks[1]["log"] == (dir.path() / "pytest.log").string());
  CHECK(checks[1]["details"] == nlohmann::json{{"passed", 2}, {"failed", 1}});
  CHECK(checks[2]["status"] == "skipped");
  CHECK(checks[3]["status"] == "error");

  // It survives a round trip through text.
  CHECK(nlohmann::json::parse(json.dump(2)) == json);
}

TEST_CASE("to_json: status follows the exit code, and a command's outcome adds `sandbox`", "[report]")
{
  core::RunReport report;
  CHECK(core::to_json(report)["status"] == "pass");
  CHECK(core::to_json(report)["checks"].empty());
  report.checks.push_back(make_check("deploy", "command", checks::Status::error, "cannot start"));
  CHECK(core::to_json(report)["status"] == "error");
  CHECK(core::to_json(report)["exit_code"] == 3);

  core::CheckReport ran = make_check("make", "command", checks::Status::fail, "exit 2");
  proc::Outcome outcome;
  outcome.exit_code = 2;
  outcome.cpu_seconds = 0.25;
  outcome.max_rss_kb = 1024;
  ran.result.outcome = outcome;
  const nlohmann::json json = core::to_json(ran);
  REQUIRE(json.contains("sandbox"));
  CHECK(json["sandbox"]["exit_code"] == 2);
  CHECK(json["sandbox"]["max_rss_kb"] == 1024);
  CHECK(json["sandbox"]["cpu_seconds"].get<double>() == Approx(0.25));
  CHECK(json["sandbox"]["ended"].is_string());
  CHECK(json["sandbox"]["backend"].is_string());
}

TEST_CASE("to_json of a summary cut inside a UTF-8 character still serialises", "[report]")
{
  // Regression (fixed): checks::last_line (checks/command_support.cpp) shortens a line to 117 *bytes*, which can
  // split a multi-byte UTF-8 character, and cli/check.cpp prints `to_json(report).dump(2)`, which
  // throws json type_error 316 on invalid UTF-8. Reproduced with the real binary: a `command` check
  // running `python3 -c "print('é'*100); exit(1)"` makes `tollgate check --json` die with exit 3
  // ("[json.exception.type_error.316] invalid UTF-8 byte"). A tool printing Latin-1 does the same
  // without any cutting, so fixing last_line alone is not enough: serialise with
  // error_handler_t::replace (or sanitise summaries and details).
  core::RunReport report;
  report.checks.push_back(make_check("say", "command", checks::Status::fail, "exit 1: \xc3\xa9\xc3\xa9\xc3..."));
  std::string text;
  CHECK_NOTHROW(text = core::to_json(report).dump(2));
  CHECK(valid_utf8(text));
}

TEST_CASE("to_junit: well-formed XML with counts, failures, errors and skips", "[report]")
{
  const test::TempDir dir;
  core::RunReport report = sample_report(dir);
  report.checks[1].result.summary = "1 failed <&>\"' \x01 end";
  dir.write("pytest.log", "E   assert a < b && \"c\" > 'd'\n\x07"
                          "bell\n");

  const std::string xml = core::to_junit(report);
  INFO(xml);
  CHECK(xml_problem(xml).empty());
  CHECK_THAT(xml, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tollgate\""));
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"tollgate\" tests=\"4\" failures=\"1\" errors=\"1\" "
                                  "skipped=\"1\" time=\"4.300\">"));
  CHECK_THAT(xml, Catch::Contains("<testcase name=\"lint\" classname=\"tollgate.command\" time=\"1.500\">\n"
                                  "    </testcase>"));
  // The message attribute: every special character escaped, the control character replaced.
  CHECK_THAT(xml, Catch::Contains("<failure message=\"1 failed &lt;&amp;&gt;&quot;&apos; ? end\">"));
  // The failure's body is the log, escaped.
  CHECK_THAT(xml, Catch::Contains("E   assert a &lt; b &amp;&amp; &quot;c&quot; &gt; &apos;d&apos;"));
  CHECK_THAT(xml, Catch::Contains("<system-out>"));
  CHECK_THAT(xml, Catch::Contains("<skipped message=\"check_env.py does not exist\"/>"));
  // Without a log, an error's body is its summary.
  CHECK_THAT(xml, Catch::Contains("<error message=\"cannot start `deploy.sh`\">cannot start `deploy.sh`</error>"));

  SECTION("the suite name is escaped too")
  {
    const std::string named = core::to_junit(report, "a&b");
    CHECK(xml_problem(named).empty());
    CHECK_THAT(named, Catch::Contains("<testsuites name=\"a&amp;b\""));
    CHECK_THAT(named, Catch::Contains("classname=\"a&amp;b.pytest\""));
  }
}

TEST_CASE("to_junit: an empty run", "[report]")
{
  const core::RunReport report;
  const std::string xml = core::to_junit(report);
  CHECK(xml_problem(xml).empty());
  CHECK_THAT(xml, Catch::Contains("tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\""));
}

TEST_CASE("to_junit stays well-formed when a log is not UTF-8", "[report]")
{
  // Regression (fixed): xml_escape passes bytes >= 0x80 through unchanged while the document declares UTF-8, so a
  // log with Latin-1 or binary output (or a summary cut inside a character, see the JSON test) makes
  // the JUnit file ill-formed; CI dashboards then reject the whole report. Reproduced with the real
  // binary (`tollgate check --junit`, a command printing 'é'*100 and failing): expat reports
  // "not well-formed (invalid token)".
  const test::TempDir dir;
  core::RunReport report;
  auto check = make_check("tests", "command", checks::Status::fail, "exit 1: caf\xe9");
  check.result.log = dir.write("tests.log", "r\xe9sum\xe9\n\xff\xfe binary\n");
  report.checks.push_back(std::move(check));
  CHECK(xml_problem(core::to_junit(report)).empty());
}

TEST_CASE("github_annotation escapes data and properties", "[report]")
{
  SECTION("a failure")
  {
    const auto check = make_check("a:b,c", "command", checks::Status::fail, "50% done\r\nnext: x, y");
    CHECK(core::github_annotation(check) ==
          "::error title=tollgate a%3Ab%2Cc::a:b,c failed: 50%25 done%0D%0Anext: x, y\n");
  }
  SECTION("an error")
  {
    const auto check = make_check("deploy", "command", checks::Status::error, "cannot start");
    CHECK(core::github_annotation(check) == "::error title=tollgate deploy::deploy could not run: cannot start\n");
  }
  SECTION("nothing for passed or skipped checks")
  {
    CHECK(core::github_annotation(make_check("a", "fake", checks::Status::pass, "ok")).empty());
    CHECK(core::github_annotation(make_check("a", "fake", checks::Status::skipped, "not run")).empty());
  }
}

TEST_CASE("github_annotation escapes the check id in the message too", "[report]")
{
  // Regression (fixed): the id is escaped in the title but written raw into the message, and ids may contain `%`
  // (the config only rejects spaces, `/`, `\` and `:`). An id like `cov%0Aall` becomes a line break
  // in the annotation, `50%25` turns into `50%`.
  const auto check = make_check("cov%0Aall", "command", checks::Status::fail, "exit 1");
  CHECK(core::github_annotation(check) == "::error title=tollgate cov%250Aall::cov%250Aall failed: exit 1\n");
}

TEST_CASE("TextReporter, plain: one line per check, the log's tail on failure, a verdict", "[report]")
{
  const test::TempDir dir;
  std::string log;
  for (int i = 1; i <= 30; ++i) {
    log += "log line " + std::to_string(i) + "\n";
  }
  core::RunReport report = sample_report(dir);
  report.checks[1].result.log = dir.write("pytest.log", log);
  const auto checks = named_checks(report);

  const File out(std::tmpfile());
  REQUIRE(out != nullptr);
  core::TextOptions options;
  options.live = false;
  options.annotations = GENERATE(false, true);
  core::TextReporter reporter(out.get(), options);
  reporter.begin(checks);
  reporter.tick({{"lint", 0.5}}); // nothing when not live
  for (const auto& check : report.checks) {
    reporter.finished(check);
  }
  reporter.end(report);

  std::vector<std::string> expected = {
      "pass    lint      1.5s  ok",
      "fail    pytest    2.0s  1 failed, 2 passed",
  };
  for (int i = 11; i <= 30; ++i) {
    expected.push_back("    │ log line " + std::to_string(i));
  }
  expected.push_back("    log: " + core::display_path(dir.path() / "pytest.log"));
  if (options.annotations) {
    expected.emplace_back("::error title=tollgate pytest::pytest failed: 1 failed, 2 passed");
  }
  expected.emplace_back("skipped env             check_env.py does not exist");
  expected.emplace_back("error   deploy    0.5s  cannot start `deploy.sh`");
  if (options.annotations) {
    expected.emplace_back("::error title=tollgate deploy::deploy could not run: cannot start `deploy.sh`");
  }
  expected.emplace_back("checklist failed: 1 passed, 1 failed, 1 could not run, 1 skipped in 4.3s");
  expected.push_back("logs: " + core::display_path(dir.path()));

  const std::string text = contents(out.get());
  INFO(text);
  CHECK(text.find('\x1b') == std::string::npos); // no colour, no redraws
  CHECK(util::split_lines(text) == expected);
}

TEST_CASE("TextReporter, plain: a passing run", "[report]")
{
  core::RunReport report;
  report.log_dir = "/tmp/logs";
  report.seconds = 75;
  report.checks.push_back(make_check("pytest", "pytest", checks::Status::pass, "210 passed, 2 skipped", 45.1));
  const auto checks = named_checks(report);
  const File out(std::tmpfile());
  REQUIRE(out != nullptr);
  core::TextReporter reporter(out.get(), core::TextOptions{});
  reporter.begin(checks);
  reporter.finished(report.checks[0]);
  reporter.end(report);
  const std::string text = contents(out.get());
  CHECK_THAT(text, Catch::StartsWith("pass    pytest   45.1s  210 passed, 2 skipped\n"
                                     "checklist passed: 1 passed in 1m15s\n"));
}
