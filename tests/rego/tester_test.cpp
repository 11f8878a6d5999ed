// Rego tests as `opa test` runs them (rego/engine.hpp), and what the compiler reports at once.

#include "rego/engine_internals.hpp"
#include "rego/support.hpp"

using namespace tollgate::rego;

namespace {

std::vector<TestResult> run(const std::vector<std::string>& modules, TestRunOptions options = {})
{
  Engine engine;
  for (std::size_t i = 0; i < modules.size(); ++i) {
    REQUIRE(engine.add_module("m" + std::to_string(i) + "_test.rego", modules[i]));
  }
  engine.rename_duplicate_tests();
  auto compiled = engine.compile();
  INFO((compiled ? std::string() : compiled.error().str()));
  REQUIRE(compiled);
  return run_tests(engine, options);
}

const TestResult& named(const std::vector<TestResult>& results, const std::string& name)
{
  for (const auto& r : results) {
    if (r.name == name) {
      return r;
    }
  }
  FAIL("no test " << name);
  return results.front();
}

} // namespace

TEST_CASE("tests are test_ rules of any package; a repeated name runs as test_x#01", "[rego][tester]")
{
  const auto results = run({"package a\ntest_one { true }\ntest_one { false }\ntest_two { 1 == 2 }\nhelper { true }\n",
                            "package b.c\nimport rego.v1\ntest_three if true\ntodo_test_four if false\n"});
  REQUIRE(results.size() == 5);
  CHECK(named(results, "test_one").pass());
  CHECK(named(results, "test_one#01").fail);
  CHECK(named(results, "test_two").fail);
  CHECK(named(results, "test_three").package == "data.b.c");
  CHECK(named(results, "todo_test_four").skip);
  CHECK(named(results, "test_one#01").row == 3);
}

TEST_CASE("a test passes only when it is true", "[rego][tester]")
{
  const auto results = run({"package a\ntest_string := \"yes\"\ntest_undefined { input.x }\ntest_error := 1 / 0 "
                            "{ true }\ntest_conflict := x { x := [1, 2][_] }\n"});
  CHECK(named(results, "test_string").fail);
  CHECK(named(results, "test_undefined").fail);
  CHECK(named(results, "test_error").fail); // a built-in error is undefined
  REQUIRE(named(results, "test_conflict").error);
  CHECK(named(results, "test_conflict").error->code == "eval_conflict_error");
}

TEST_CASE("print output and trace notes are kept per test", "[rego][tester]")
{
  const auto results =
      run({"package a\ntest_p { print(\"x is\", 1, {\"a\": [2]}, input.nothing); trace(\"note\") }\n"});
  CHECK(named(results, "test_p").output == "x is 1 {\"a\": [2]} <undefined>\n");
  CHECK(named(results, "test_p").notes == std::vector<std::string>{"note"});
}

TEST_CASE("tester: --run selects by data.pkg.name, --timeout stops a test", "[rego][tester]")
{
  TestRunOptions options;
  options.run = std::regex("pkg\\.test_b");
  CHECK(run({"package pkg\ntest_a { true }\ntest_b { true }\n"}, options).size() == 1);
  TestRunOptions slow;
  slow.timeout_ns = 50'000'000;
  const auto results =
      run({"package s\ntest_slow { r := numbers.range(1, 4000); count([1 | r[_]; r[_]]) > 0 }\n"}, slow);
  REQUIRE(results.front().error);
  CHECK(results.front().error->code == "eval_cancel_error");
}

TEST_CASE("a test with variables in its name reports each key", "[rego][tester]")
{
  const auto results = run({"package a\nimport rego.v1\ntest_each[n] if { some n in [\"x\", \"y\"] }\n"
                            "test_values[n] := n == \"x\" if { some n in [\"x\", \"y\"] }\n"});
  const auto& each = named(results, "test_each");
  CHECK(each.pass());
  REQUIRE(each.sub_results.size() == 2);
  CHECK(each.sub_results[0].name == "x");
  const auto& values = named(results, "test_values");
  CHECK(values.fail);
  CHECK_FALSE(values.sub_results[0].fail);
  CHECK(values.sub_results[1].fail);
}

TEST_CASE("coverage: lines evaluated and rule heads that produced a value", "[rego][tester]")
{
  Coverage coverage;
  TestRunOptions options;
  options.coverage = &coverage;
  Engine engine;
  REQUIRE(engine.add_module("p.rego", "package p\nallow {\n  input.x == 1\n}\ndeny {\n  input.x == 2\n}\n"));
  REQUIRE(engine.add_module("p_test.rego", "package p\ntest_allow { allow with input as {\"x\": 1} }\n"));
  REQUIRE(engine.compile());
  REQUIRE(run_tests(engine, options).front().pass());
  const auto report = coverage_report(engine, coverage);
  const auto& file = report["files"]["p.rego"];
  CHECK(file["covered"].dump() == R"([{"end":{"row":3},"start":{"row":2}}])");
  CHECK(file["not_covered"].dump() == R"([{"end":{"row":6},"start":{"row":5}}])");
  CHECK(file["coverage"].get<double>() == 50.0);
}

TEST_CASE("every compile error of a run is reported, each with its location", "[rego][compile]")
{
  const auto run = tollgate::test::run_rego(
      {"package a\np { x }\nq { y }\n", "package b\nr { nosuch(1) }\ns := 1\ns := 2 { true }\n"}, "x := 1");
  REQUIRE_FALSE(run.rows);
  const RegoError& error = run.rows.error();
  REQUIRE(error.count() == 3);
  CHECK(error.str() ==
        "m0.rego:2:5: var x is unsafe\nm0.rego:3:5: var y is unsafe\nm1.rego:2:5: undefined function nosuch");
  CHECK(error.more[1].code == "rego_type_error");
  CHECK(error_json(error)["errors"].size() == 3);
}

TEST_CASE("every unsafe variable of a rule is reported once, at its first use", "[rego][compile]")
{
  const auto run = tollgate::test::run_rego({"package a\np {\n  x > 1\n  y := x\n  z > x\n}\n"}, "x := 1");
  REQUIRE_FALSE(run.rows);
  CHECK(run.rows.error().str() == "m0.rego:3:3: var x is unsafe\nm0.rego:5:3: var z is unsafe");
}
