// time.* built-ins, with OPA's documented and compliance-suite results.

#include "rego/support.hpp"

using tollgate::test::json_of;
using tollgate::test::rego_value;
using tollgate::test::run_rego;

TEST_CASE("time parsing: RFC 3339, Go layouts, durations", "[rego][builtins][time]")
{
  CHECK(json_of(rego_value(R"(time.parse_rfc3339_ns("2017-06-02T19:00:00-07:00"))")) == "1496455200000000000");
  CHECK(json_of(rego_value(R"(time.parse_rfc3339_ns("1970-01-01T00:00:00.5Z"))")) == "500000000");
  CHECK(json_of(rego_value(R"(time.parse_rfc3339_ns("2262-04-11T23:47:16.854775807-00:00"))")) ==
        "9223372036854775807");
  CHECK(json_of(rego_value(R"(time.parse_ns("2006-01-02", "2020-02-29"))")) == "1582934400000000000");
  CHECK(json_of(rego_value(R"(time.parse_ns("RFC822Z", "02 Jan 06 15:04 -0700"))")) == "1136239440000000000");
  CHECK(json_of(rego_value(R"(time.parse_ns("Jan _2 2006 3:04pm", "Feb  3 2021 4:05pm"))")) == "1612368300000000000");
  CHECK(json_of(rego_value(R"(time.parse_duration_ns("1h30m"))")) == "5400000000000");
  CHECK(json_of(rego_value(R"(time.parse_duration_ns("1.5h"))")) == "5400000000000");
  CHECK(json_of(rego_value(R"(time.parse_duration_ns("-2ms"))")) == "-2000000");
  CHECK(json_of(rego_value(R"(time.parse_duration_ns("100µs"))")) == "100000");

  const auto bad_day = run_rego({}, R"(x := time.parse_ns("2006-01-02", "2021-02-29"))", "", true);
  CHECK(bad_day.error_code() == "eval_builtin_error");
  CHECK(bad_day.rows.error().message == R"(time.parse_ns: parsing time "2021-02-29": day out of range)");
  const auto bad_text = run_rego({}, R"(x := time.parse_rfc3339_ns("yesterday"))", "", true);
  CHECK(
      bad_text.rows.error().message ==
      R"(time.parse_rfc3339_ns: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006")");
  const auto bad_unit = run_rego({}, R"(x := time.parse_duration_ns("3x"))", "", true);
  CHECK(bad_unit.rows.error().message == R"(time.parse_duration_ns: time: unknown unit "x" in duration "3x")");
  const auto too_small = run_rego({}, R"(x := time.parse_rfc3339_ns("1677-09-21T00:12:43.145224191-00:00"))", "", true);
  CHECK(too_small.rows.error().message == "time.parse_rfc3339_ns: time outside of valid range");
  CHECK(json_of(rego_value(R"(time.parse_rfc3339_ns("yesterday"))")) == "undefined");
}

TEST_CASE("time formatting and calendar fields in IANA zones", "[rego][builtins][time]")
{
  CHECK(json_of(rego_value("time.format(1670006453141828752)")) == R"("2022-12-02T18:40:53.141828752Z")");
  CHECK(json_of(rego_value(R"(time.format([1670006453141828752, "Asia/Kolkata"]))")) ==
        R"("2022-12-03T00:10:53.141828752+05:30")");
  CHECK(
      json_of(rego_value(R"(time.format([1670006453141828752, "Asia/Kolkata", "Mon Jan 02 15:04:05 -0700 2006"]))")) ==
      R"("Sat Dec 03 00:10:53 +0530 2022")");
  // Daylight saving time from the zone's rules: EDT in July, EST in January.
  CHECK(json_of(rego_value(R"(time.format([1688212800000000000, "America/New_York", "15:04 MST"]))")) ==
        R"("08:00 EDT")");
  CHECK(json_of(rego_value(R"(time.format([1673611200000000000, "America/New_York", "RFC1123Z"]))")) ==
        R"("Fri, 13 Jan 2023 07:00:00 -0500")");
  CHECK(json_of(rego_value(R"(time.date([1517814000000000000, "America/Los_Angeles"]))")) == "[2018,2,4]");
  CHECK(json_of(rego_value(R"(time.date([1517832000000000000, ""]))")) == "[2018,2,5]");
  CHECK(json_of(rego_value("time.clock(1582977600000000000)")) == "[12,0,0]");
  CHECK(json_of(rego_value(R"(time.clock([0, "America/New_York"]))")) == "[19,0,0]");
  CHECK(json_of(rego_value("time.weekday(1517832000000000000)")) == R"("Monday")");
  CHECK(json_of(rego_value("time.weekday(1518350400000000000)")) == R"("Sunday")");
  CHECK(json_of(rego_value("time.add_date(1585852421593912000, -1, -1, -1)")) == "1551465221593912000");
  // 2021-01-31 plus one month is March 3 (Go's normalisation of February 31).
  CHECK(json_of(rego_value("time.date(time.add_date(1612051200000000000, 0, 1, 0))")) == "[2021,3,3]");
  CHECK(json_of(rego_value("time.diff(1609459200000000000, 1647339630000000000)")) == "[1,2,14,10,20,30]");
  CHECK(json_of(rego_value("time.diff(1647339630000000000, 1609459200000000000)")) == "[1,2,14,10,20,30]");

  const auto too_big = run_rego({}, "x := time.clock(1582977600 * 10e12)", "", true);
  CHECK(too_big.rows.error().message == "time.clock: timestamp too big");
  const auto unknown = run_rego({}, R"(x := time.date([0, "Mars/Olympus"]))", "", true);
  CHECK(unknown.rows.error().message == "time.date: unknown time zone Mars/Olympus");
  const auto escape = run_rego({}, R"(x := time.date([0, "../../etc/passwd"]))", "", true);
  CHECK(escape.rows.error().message == "time.date: time: invalid location name");
  CHECK(run_rego({}, R"(x := time.date("now"))", "", true).error_code() == "eval_type_error");
}

TEST_CASE("time.now_ns is one value per query", "[rego][builtins][time]")
{
  const auto run = run_rego({}, R"(a := time.now_ns(); test.sleep("5ms"); b := time.now_ns(); x := a == b)");
  CHECK(run.x().is_true());
}
