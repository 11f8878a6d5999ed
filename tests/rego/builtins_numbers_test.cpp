// bits.*, numbers.range_step, graph.reachable(_paths), set_diff, strings and urlquery extras.

#include "rego/support.hpp"

using tollgate::test::json_of;
using tollgate::test::rego_value;
using tollgate::test::run_rego;

TEST_CASE("bits.* on integers, OPA's errors for floats and negative shifts", "[rego][builtins][numbers]")
{
  CHECK(json_of(rego_value("[bits.and(5, 3), bits.or(5, 3), bits.xor(5, 3), bits.negate(5)]")) == "[1,7,6,-6]");
  CHECK(json_of(rego_value("[bits.lsh(1, 10), bits.rsh(1024, 3), bits.rsh(-8, 1)]")) == "[1024,128,-4]");
  CHECK(tollgate::rego::number_text(rego_value("bits.lsh(1, 70)")) == "1180591620717411303424");
  const auto fraction = run_rego({}, "x := bits.and(1.5, 1)", "", true);
  CHECK(fraction.rows.error().message == "bits.and: operand 1 must be integer number but got floating-point number");
  CHECK(fraction.error_code() == "eval_type_error");
  const auto negative = run_rego({}, "x := bits.lsh(1, -1)", "", true);
  CHECK(negative.rows.error().message ==
        "bits.lsh: operand 2 must be an unsigned integer number but got a negative integer");
}

TEST_CASE("numbers.range_step and set_diff", "[rego][builtins][numbers]")
{
  CHECK(json_of(rego_value("numbers.range_step(0, 10, 3)")) == "[0,3,6,9]");
  CHECK(json_of(rego_value("numbers.range_step(10, 0, 3)")) == "[10,7,4,1]");
  CHECK(json_of(rego_value("numbers.range_step(2, 2, 5)")) == "[2]");
  CHECK(run_rego({}, "x := numbers.range_step(0, 10, 0)", "", true).error_code() == "eval_builtin_error");
  CHECK(json_of(rego_value("set_diff({1, 2, 3}, {2})")) == "[1,3]");
}

TEST_CASE("graph.reachable and graph.reachable_paths", "[rego][builtins][numbers]")
{
  const std::string graph = R"({"a": ["b"], "b": {"c"}, "c": [], "d": ["a"], "e": ["e"]})";
  CHECK(json_of(rego_value("graph.reachable(" + graph + R"(, ["a"]))")) == R"(["a","b","c"])");
  CHECK(json_of(rego_value("graph.reachable(" + graph + R"(, {"d", "zz"}))")) == R"(["a","b","c","d"])");
  CHECK(json_of(rego_value("graph.reachable_paths(" + graph + R"(, ["d"]))")) == R"([["d","a","b","c"]])");
  CHECK(json_of(rego_value("graph.reachable_paths(" + graph + R"(, ["e", "c"]))")) == R"([["c"],["e","e"]])");
  CHECK(run_rego({}, R"(x := graph.reachable([], ["a"]))", "", true).error_code() == "eval_type_error");
}

TEST_CASE("strings.count, glob.quote_meta, strings.render_template", "[rego][builtins][strings]")
{
  CHECK(json_of(rego_value(R"([strings.count("cheese", "e"), strings.count("five", "")])")) == "[3,5]");
  CHECK(json_of(rego_value(R"(glob.quote_meta("*.github.com"))")) == R"("\\*.github.com")");
  CHECK(rego_value(R"(glob.match(glob.quote_meta("a*[b]"), [], "a*[b]"))").is_true());
  CHECK(
      json_of(rego_value(
          R"(strings.render_template("{{.greeting}}, {{ .who.name -}} !", {"greeting": "Hello", "who": {"name": "Ann"}}))")) ==
      R"("Hello, Ann!")");
  CHECK(json_of(rego_value(R"(strings.render_template("[{{.missing}}]", {}))")) == R"("[<no value>]")");
}

TEST_CASE("regex.template_match", "[rego][builtins][strings]")
{
  CHECK(rego_value(R"(regex.template_match("urn:foo:{.*}", "urn:foo:bar:baz", "{", "}"))").is_true());
  CHECK(rego_value(R"(regex.template_match("urn:foo:<[a-z]+>.x", "urn:foo:bar.x", "<", ">"))").is_true());
  CHECK(rego_value(R"(regex.template_match("urn:foo:<[a-z]+>.x", "urn:foo:barax", "<", ">"))").is_false());
  CHECK(json_of(rego_value(R"(regex.template_match("a{b", "ab", "{", "}"))")) == "undefined"); // unbalanced
  CHECK(run_rego({}, R"(x := regex.template_match("a{b", "ab", "{", "}"))", "", true).error_code() ==
        "eval_builtin_error");
}

TEST_CASE("urlquery.* as Go's net/url", "[rego][builtins][strings]")
{
  CHECK(json_of(rego_value(R"(urlquery.encode("a b&c=d/é"))")) == R"("a+b%26c%3Dd%2F%C3%A9")");
  CHECK(json_of(rego_value(R"(urlquery.decode("a+b%26c"))")) == R"("a b&c")");
  CHECK(json_of(rego_value(R"(urlquery.encode_object({"b": ["x", "y z"], "a": "1", "c": {"s"}}))")) ==
        R"("a=1&b=x&b=y+z&c=s")");
  CHECK(json_of(rego_value(R"(urlquery.decode_object("a=1&b=x&b=y+z&c"))")) ==
        R"({"a":["1"],"b":["x","y z"],"c":[""]})");
  const auto bad = run_rego({}, R"(x := urlquery.decode("%zz"))", "", true);
  CHECK(bad.rows.error().message == R"(urlquery.decode: invalid URL escape "%zz")");
}
