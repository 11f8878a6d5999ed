// What `opa test` prints (rego/test_report.hpp): Go's durations both ways, an error line, and the
// JSON report's shape.

#include "rego/engine.hpp"
#include "rego/support.hpp"

using namespace tollgate::rego;

TEST_CASE("go_duration writes Go's time.Duration text", "[rego][test_report]")
{
  CHECK(go_duration(0) == "0s");
  CHECK(go_duration(512) == "512ns");
  CHECK(go_duration(1'500) == "1.5µs");
  CHECK(go_duration(2'250'000) == "2.25ms");
  CHECK(go_duration(1'500'000'000) == "1.5s");
  CHECK(go_duration(90'000'000'000) == "1m30s");
}

TEST_CASE("parse_go_duration reads Go's duration syntax", "[rego][test_report]")
{
  CHECK(parse_go_duration("5s") == 5'000'000'000);
  CHECK(parse_go_duration("100ms") == 100'000'000);
  CHECK(parse_go_duration("1m30s") == 90'000'000'000);
  CHECK(parse_go_duration("250us") == 250'000);
  CHECK_FALSE(parse_go_duration("5"));
  CHECK_FALSE(parse_go_duration("s"));
  CHECK_FALSE(parse_go_duration("5 days"));
}

TEST_CASE("error_line is file:row: code: message, then the detail tab-indented", "[rego][test_report]")
{
  RegoError error;
  error.file = "p.rego";
  error.row = 3;
  error.code = "rego_parse_error";
  error.message = "unexpected token";
  error.detail = "a\nb";
  CHECK(error_line(error) == "p.rego:3: rego_parse_error: unexpected token\n\ta\n\tb");
}

TEST_CASE("results_json: the location, the outcome, output in base64", "[rego][test_report]")
{
  TestResult result;
  result.file = "p_test.rego";
  result.row = 2;
  result.col = 1;
  result.package = "data.p";
  result.name = "test_x";
  result.fail = true;
  result.duration_ns = 42;
  result.output = "hi";
  const auto json = results_json({result});
  REQUIRE(json.size() == 1);
  CHECK(json[0]["location"]["file"] == "p_test.rego");
  CHECK(json[0]["fail"] == true);
  CHECK(json[0]["duration"] == 42);
  CHECK(json[0]["output"] == "aGk=");
  CHECK_FALSE(json[0].contains("skip"));
}
