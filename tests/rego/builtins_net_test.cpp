// net.cidr_* (Go's net package rules) and the refusal of network built-ins in a gate.

#include "rego/support.hpp"

using tollgate::test::json_of;
using tollgate::test::rego_value;
using tollgate::test::run_rego;

TEST_CASE("net.cidr_contains, intersects, is_valid, contains_matches", "[rego][builtins][net]")
{
  CHECK(rego_value(R"(net.cidr_contains("10.0.0.0/8", "10.1.2.3"))").is_true());
  CHECK(rego_value(R"(net.cidr_contains("10.0.0.0/8", "192.168.0.0/16"))").is_false());
  CHECK(rego_value(R"(net.cidr_contains("10.0.0.0/8", "10.20.0.0/16"))").is_true());
  CHECK(rego_value(R"(net.cidr_contains("2001:db8::/32", "2001:db8:0:1::5"))").is_true());
  CHECK(rego_value(R"(net.cidr_contains("2001:db8::/32", "10.0.0.1"))").is_false());
  CHECK(rego_value(R"(net.cidr_intersects("192.168.0.0/16", "192.168.1.0/24"))").is_true());
  CHECK(rego_value(R"(net.cidr_intersects("192.168.0.0/24", "192.168.1.0/24"))").is_false());
  CHECK(rego_value(R"(net.cidr_is_valid("10.0.0.0/33"))").is_false());
  CHECK(rego_value(R"(net.cidr_is_valid("fe80::/64"))").is_true());
  CHECK(rego_value(R"(net.cidr_is_valid("010.0.0.0/8"))").is_false());
  CHECK(
      json_of(rego_value(R"(net.cidr_contains_matches({"k1": "1.1.1.1/24", "k2": ["1.1.1.2/24", 1]}, "1.1.1.128"))")) ==
      R"([["k1","1.1.1.128"],["k2","1.1.1.128"]])");
  const auto bad = run_rego({}, R"(x := net.cidr_contains("not-a-cidr", "10.0.0.1"))", "", true);
  CHECK(bad.rows.error().message == "net.cidr_contains: invalid CIDR address: not-a-cidr");
  const auto element = run_rego({}, R"(x := net.cidr_contains_matches(["1.1.2.0/24"], ["1.1.1.1", 7]))", "", true);
  CHECK(element.rows.error().message ==
        "net.cidr_contains_matches: operand 2: element must be string or non-empty array");
}

TEST_CASE("net.cidr_merge and net.cidr_expand", "[rego][builtins][net]")
{
  CHECK(json_of(rego_value(R"(net.cidr_merge(["192.0.128.0/24", "192.0.129.0/24"]))")) == R"(["192.0.128.0/23"])");
  CHECK(json_of(rego_value(R"(net.cidr_merge(["192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31"]))")) ==
        R"(["192.0.2.112/29"])");
  CHECK(json_of(rego_value(R"(net.cidr_merge(["192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31"]))")) ==
        R"(["192.0.2.112/31","192.0.2.116/30"])");
  CHECK(json_of(rego_value(R"(net.cidr_merge(["fe80::/120", "192.0.2.0/24", "192.0.3.0/24"]))")) ==
        R"(["192.0.2.0/23","fe80::/120"])");
  CHECK(json_of(rego_value(R"(net.cidr_merge(["192.0.128.0", "192.0.129.0"]))")) == R"(["192.0.128.0/23"])");
  CHECK(json_of(rego_value(R"(net.cidr_merge(["2001:db8::/33", "2001:db8:8000::/33"]))")) == R"(["2001:db8::/32"])");
  CHECK(json_of(rego_value(R"(net.cidr_merge(["::/1", "8000::/1"]))")) == R"(["8000::/1","::/1"])");
  CHECK(json_of(rego_value(R"(net.cidr_merge(["192.0.128.0/24", "0.0.0.0/0"]))")) == R"(["0.0.0.0/0"])");
  CHECK(json_of(rego_value(R"(net.cidr_expand("192.168.1.1/30"))")) ==
        R"(["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"])");
  CHECK(json_of(rego_value(R"(net.cidr_expand("2001:db8::/127"))")) == R"(["2001:db8::","2001:db8::1"])");
  const auto mask = run_rego({}, R"(x := net.cidr_expand("192.168.1.1/33"))", "", true);
  CHECK(mask.rows.error().message == "net.cidr_expand: invalid CIDR address: 192.168.1.1/33");
}

TEST_CASE("http.send and net.lookup_ip_addr are refused with OPA's allow_net error", "[rego][builtins][net]")
{
  // An error even without strict built-in errors: a gate must not silently treat it as undefined.
  const auto send = run_rego({}, R"(x := http.send({"method": "get", "url": "https://example.com:8443/x"}))");
  REQUIRE(send.error_code() == "eval_builtin_error");
  CHECK(send.rows.error().message.starts_with("http.send: unallowed host: example.com ("));
  const auto lookup = run_rego({}, R"(x := net.lookup_ip_addr("example.com"))");
  REQUIRE(lookup.error_code() == "eval_builtin_error");
  CHECK(lookup.rows.error().message.starts_with("net.lookup_ip_addr: unallowed host: example.com ("));
  // raise_error: false returns OPA's error object instead.
  CHECK(json_of(rego_value(R"(http.send({"method": "get", "url": "http://h/x", "raise_error": false}))")) ==
        R"({"error":{"code":"eval_http_send_internal_error","message":"unallowed host: h"},"status_code":0})");
  // Never an unknown function: a module calling it compiles, and fails only when the call runs.
  const auto unused =
      run_rego({"package p\nf := http.send({\"method\": \"get\", \"url\": \"http://h\"})\ng := 1"}, "x := data.p.g");
  CHECK(json_of(unused.x()) == "1");
}
