// Built-ins: results, and undefined versus error exactly as OPA (errors make the expression
// undefined unless strict built-in errors are on).

#include "rego/support.hpp"

using tollgate::test::json_of;
using tollgate::test::rego_value;
using tollgate::test::run_rego;

TEST_CASE("string built-ins", "[rego][builtins]")
{
  CHECK(json_of(rego_value(R"(sprintf("%s has %d items (%.1f%%) %v", ["a", 3, 12.5, [1]]))")) ==
        R"("a has 3 items (12.5%) [1]")");
  CHECK(json_of(rego_value(R"(concat("/", ["a", "b"]))")) == R"("a/b")");
  CHECK(json_of(rego_value(R"(split("a.b.c", "."))")) == R"(["a","b","c"])");
  CHECK(json_of(rego_value(R"(trim_space("  x  "))")) == R"("x")");
  CHECK(json_of(rego_value(R"(trim_prefix("policies/x", "policies/"))")) == R"("x")");
  CHECK(json_of(rego_value(R"(replace("aaa", "a", "b"))")) == R"("bbb")");
  CHECK(json_of(rego_value(R"(substring("héllo", 1, 3))")) == R"("éll")");
  CHECK(json_of(rego_value(R"(indexof("héllo", "l"))")) == "2");
  CHECK(json_of(rego_value(R"(count("héllo"))")) == "5");
  CHECK(json_of(rego_value(R"(format_int(255, 16))")) == R"("ff")");
  CHECK(json_of(rego_value(R"(to_number("1.5"))")) == "1.5");
  CHECK(json_of(rego_value(R"(upper("abc"))")) == R"("ABC")");
}

TEST_CASE("collection built-ins", "[rego][builtins]")
{
  CHECK(json_of(rego_value(R"(object.get({"a": {"b": 1}}, ["a", "b"], 0))")) == "1");
  CHECK(json_of(rego_value(R"(object.get({"a": 1}, "z", "none"))")) == R"("none")");
  CHECK(json_of(rego_value(R"(object.union({"a": {"b": 1}}, {"a": {"c": 2}}))")) == R"({"a":{"b":1,"c":2}})");
  CHECK(json_of(rego_value(R"(object.remove({"a": 1, "b": 2}, ["a"]))")) == R"({"b":2})");
  CHECK(json_of(rego_value(R"(object.keys({"a": 1}))")) == R"(["a"])");
  CHECK(json_of(rego_value("array.slice([1, 2, 3, 4], 1, 3)")) == "[2,3]");
  CHECK(json_of(rego_value("array.concat([1], [2])")) == "[1,2]");
  CHECK(json_of(rego_value("numbers.range(3, 1)")) == "[3,2,1]");
  CHECK(json_of(rego_value("union({{1}, {2}})")) == "[1,2]");
  CHECK(json_of(rego_value("intersection({{1, 2}, {2}})")) == "[2]");
  CHECK(json_of(rego_value("sort({3, 1})")) == "[1,3]");
  CHECK(json_of(rego_value("[sum([1, 2.5]), max([1, 3]), min({4, 2})]")) == "[3.5,3,2]");
  CHECK(json_of(run_rego({}, R"(walk({"a": [1]}, [p, v]); v == 1; x := p)").x()) == R"(["a",0])");
}

TEST_CASE("regex, glob, json, base64, semver", "[rego][builtins]")
{
  CHECK(rego_value(R"(regex.match("^v[0-9]+$", "v12"))").is_true());
  CHECK(json_of(rego_value(R"(regex.find_n("[0-9]", "a1b2c3", 2))")) == R"(["1","2"])");
  CHECK(json_of(rego_value(R"(regex.find_all_string_submatch_n("(a)(b)?", "ab a", -1))")) ==
        R"([["ab","a","b"],["a","a",""]])");
  CHECK(json_of(rego_value(R"(regex.replace("a1b22", "[0-9]+", "#"))")) == R"("a#b#")");
  CHECK(json_of(rego_value(R"(regex.split(",\\s*", "a, b,c"))")) == R"(["a","b","c"])");
  CHECK(rego_value(R"(regex.is_valid("("))").is_false());
  CHECK(rego_value(R"(glob.match("policies/**", ["/"], "policies/a/b.rego"))").is_true());
  CHECK(rego_value(R"(glob.match("*.rego", ["/"], "a/b.rego"))").is_false());
  CHECK(rego_value(R"(glob.match("{a,b}.*", [], "b.json"))").is_true());
  CHECK(json_of(rego_value(R"(json.marshal({"a": [1, true]}))")) == R"("{\"a\":[1,true]}")");
  CHECK(json_of(rego_value(R"(json.unmarshal("[1, {\"b\": null}]"))")) == R"([1,{"b":null}])");
  CHECK(rego_value(R"(json.is_valid("{"))").is_false());
  CHECK(json_of(rego_value(R"(base64.encode("hello"))")) == R"("aGVsbG8=")");
  CHECK(json_of(rego_value(R"(base64.decode("aGVsbG8="))")) == R"("hello")");
  CHECK(json_of(rego_value(R"(semver.compare("1.2.3", "1.10.0"))")) == "-1");
  CHECK(json_of(rego_value(R"(semver.compare("1.0.0-rc.1", "1.0.0"))")) == "-1");
  CHECK(rego_value(R"(semver.is_valid("1.2"))").is_false());
  CHECK(json_of(rego_value("[is_string(\"a\"), is_number(\"a\"), type_name({1})]")) == R"([true,false,"set"])");
  CHECK(rego_value("time.now_ns()").as_int() > 1'600'000'000'000'000'000);
}

TEST_CASE("units and yaml", "[rego][builtins]")
{
  CHECK(json_of(rego_value(R"(units.parse_bytes("10KiB"))")) == "10240");
  CHECK(json_of(rego_value(R"(units.parse("1.5k"))")) == "1500");
  CHECK(json_of(rego_value(R"(units.parse("500m"))")) == "0.5");
  CHECK_FALSE(rego_value(R"(units.parse_bytes("10 KB"))").defined());
  CHECK(json_of(rego_value(R"(yaml.unmarshal("a: [1, true, x, '2']\nb: ~"))")) == R"({"a":[1,true,"x","2"],"b":null})");
  CHECK(json_of(rego_value(R"(yaml.unmarshal(yaml.marshal({"k": {"1", "2"}, "n": 1.5})))")) ==
        R"({"k":["1","2"],"n":1.5})");
  CHECK(rego_value(R"(yaml.is_valid("a: {"))").is_false());
}

TEST_CASE("a built-in error is undefined unless strict", "[rego][builtins]")
{
  CHECK_FALSE(rego_value("1 / 0").defined());
  const auto strict = run_rego({}, "x := 1 / 0", "", true);
  REQUIRE_FALSE(strict.rows);
  CHECK(strict.rows.error().code == "eval_builtin_error");
  CHECK(strict.rows.error().message == "div: divide by zero");
  const auto type = run_rego({}, "x := count(1)", "", true);
  REQUIRE_FALSE(type.rows);
  CHECK(type.rows.error().code == "eval_type_error");
  CHECK_FALSE(rego_value("count(1)").defined());
  CHECK_FALSE(rego_value(R"(base64.decode("%%%"))").defined());
  // A missing key is undefined, never an error.
  CHECK_FALSE(run_rego({}, "x := input.a.b", "{}", true).x().defined());
}

TEST_CASE("the old call form binds an output argument", "[rego][builtins]")
{
  CHECK(json_of(run_rego({"package g\np[n] { count([1, 2], n) }\n"}, "x := data.g.p").x()) == "[2]");
}
