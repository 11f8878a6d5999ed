// Evaluator semantics on inline policies: rule kinds, iteration, negation, functions, conflicts,
// comprehensions, every, with, unification, safety and recursion errors.

#include "rego/support.hpp"

using tollgate::test::json_of;
using tollgate::test::run_rego;

TEST_CASE("complete, partial set and partial object rules, defaults and else", "[rego][eval]")
{
  const std::string module = R"(package t
import rego.v1
default allow := false
allow if input.user == "admin"
names contains n if some n in input.names
by_len[n] := count(n) if some n in input.names
grade := "a" if input.score > 90
else := "b" if input.score > 50
else := "c"
)";
  CHECK(json_of(run_rego({module}, "x := data.t.allow", R"({"user": "bob"})").x()) == "false");
  CHECK(json_of(run_rego({module}, "x := data.t.allow", R"({"user": "admin"})").x()) == "true");
  CHECK(json_of(run_rego({module}, "x := data.t.names", R"({"names": ["b", "a", "b"]})").x()) == R"(["a","b"])");
  CHECK(json_of(run_rego({module}, "x := data.t.by_len", R"({"names": ["ab", "c"]})").x()) == R"({"ab":2,"c":1})");
  CHECK(json_of(run_rego({module}, "x := data.t.grade", R"({"score": 70})").x()) == R"("b")");
  CHECK(json_of(run_rego({module}, "x := data.t.grade", R"({"score": 10})").x()) == R"("c")");
}

TEST_CASE("v0 partial set rule of the seed loads and evaluates as written", "[rego][eval]")
{
  const std::string module = "package codegen\n\ndeny[msg] {\n  input.url == \"api.example.com\"\n  msg := \"example "
                             "domain blocked\"\n}\n";
  CHECK(json_of(run_rego({module}, "x := data.codegen.deny", R"({"url": "api.example.com"})").x()) ==
        R"(["example domain blocked"])");
  CHECK(json_of(run_rego({module}, "x := data.codegen.deny", R"({"url": "b"})").x()) == "[]");
}

TEST_CASE("iteration binds variables; each solution is a row", "[rego][eval]")
{
  auto run = run_rego({}, "x := [1, 2, 3][i]; x > 1");
  REQUIRE(run.rows);
  CHECK(run.rows->size() == 2);
  auto keys = run_rego({}, R"(some k, v in {"a": 1, "b": 2}; v == 2; x := k)");
  CHECK(json_of(keys.x()) == R"("b")");
}

TEST_CASE("negation, membership and comparisons", "[rego][eval]")
{
  CHECK(run_rego({}, "not 1 in [2, 3]; x := true").x().is_true());
  CHECK_FALSE(run_rego({}, "not 2 in [2, 3]; x := true").x().defined());
  CHECK(run_rego({}, "x := \"a\" < \"b\"").x().is_true());
  CHECK(run_rego({}, "x := 1 == 1.0").x().is_true());
  CHECK(run_rego({}, "x := [1, 2] == [1, 2]").x().is_true());
}

TEST_CASE("functions: several definitions, pattern arguments, conflicts", "[rego][eval]")
{
  const std::string module = R"(package f
kind(0) := "zero"
kind(x) := "positive" { x > 0 }
kind(x) := "negative" { x < 0 }
bad(_) := 1
bad(_) := 2
)";
  CHECK(json_of(run_rego({module}, "x := data.f.kind(0)").x()) == R"("zero")");
  CHECK(json_of(run_rego({module}, "x := data.f.kind(-3)").x()) == R"("negative")");
  CHECK(run_rego({module}, "x := data.f.bad(1)").error_code() == "eval_conflict_error");
}

TEST_CASE("conflicting complete rule values are eval_conflict_error", "[rego][eval]")
{
  const auto run = run_rego({"package c\np := 1\np := 2 { true }\n"}, "x := data.c.p");
  REQUIRE_FALSE(run.rows);
  CHECK(run.rows.error().code == "eval_conflict_error");
  CHECK(run.rows.error().file == "m0.rego");
  CHECK(run.rows.error().row == 3);
}

TEST_CASE("comprehensions, set operators and arithmetic", "[rego][eval]")
{
  CHECK(json_of(run_rego({}, "x := [y * 2 | some y in [1, 2]]").x()) == "[2,4]");
  CHECK(json_of(run_rego({}, "x := {y | some y in [1, 1, 2]}").x()) == "[1,2]");
  CHECK(json_of(run_rego({}, R"(x := {k: v | some k, v in {"a": 1}})").x()) == R"({"a":1})");
  CHECK(json_of(run_rego({}, "x := {1, 2} | {3}").x()) == "[1,2,3]");
  CHECK(json_of(run_rego({}, "x := {1, 2} & {2, 3}").x()) == "[2]");
  CHECK(json_of(run_rego({}, "x := {1, 2} - {2}").x()) == "[1]");
  CHECK(json_of(run_rego({}, "x := 7 / 2 + 10 % 4 - 1").x()) == "4.5");
  CHECK(json_of(run_rego({}, "x := 9007199254740993 + 0").x()) == "9007199254740993");
}

TEST_CASE("every holds when the body holds for each element", "[rego][eval]")
{
  const std::string module = "package e\nimport rego.v1\nok if every x in input { x > 0 }\n";
  CHECK(run_rego({module}, "x := data.e.ok", "[1, 2]").x().is_true());
  CHECK_FALSE(run_rego({module}, "x := data.e.ok", "[1, -2]").x().defined());
  CHECK(run_rego({module}, "x := data.e.ok", "[]").x().is_true());
}

TEST_CASE("with replaces input, data and functions for one expression", "[rego][eval]")
{
  const std::string module = R"(package w
limit := data.config.limit
over if input.n > limit
double(x) := x * 2
twice := double(2)
)";
  CHECK(run_rego({module}, "x := data.w.over with input as {\"n\": 5} with data.config.limit as 3").x().is_true());
  CHECK_FALSE(run_rego({module}, "x := data.w.over with input.n as 1 with data.config.limit as 3").x().defined());
  CHECK(json_of(run_rego({module}, "x := data.w.twice with data.w.double as 7").x()) == "7");
  CHECK(json_of(run_rego({module}, "x := count([1]) with count as 9").x()) == "9");
  // The replacement ends with the expression.
  CHECK(json_of(run_rego({module}, "y := data.w.limit with data.config.limit as 3; x := [y, data.w.limit]").x()) ==
        "undefined");
}

TEST_CASE("unification binds both sides, := declares", "[rego][eval]")
{
  CHECK(json_of(run_rego({}, "[x, 2] = [1, y]").x()) == "1");
  CHECK(json_of(run_rego({}, R"({"a": x} = {"a": [1]})").x()) == "[1]");
  CHECK_FALSE(run_rego({}, "[x, 2] = [1, 3]").x().defined());
}

TEST_CASE("unsafe variables and recursion are compile errors", "[rego][compile]")
{
  const auto unsafe = run_rego({"package u\np { x > 1 }\n"}, "x := data.u.p");
  REQUIRE_FALSE(unsafe.rows);
  CHECK(unsafe.rows.error().code == "rego_unsafe_var_error");
  CHECK(unsafe.rows.error().str() == "m0.rego:2:5: var x is unsafe");
  const auto recursive = run_rego({"package r\np { q }\nq { p }\n"}, "x := data.r.p");
  REQUIRE_FALSE(recursive.rows);
  CHECK(recursive.rows.error().code == "rego_recursion_error");
  CHECK(run_rego({"package f\np { nosuch(1) }\n"}, "x := 1").error_code() == "rego_type_error");
}

TEST_CASE("expressions are reordered so that bindings come first", "[rego][compile]")
{
  CHECK(json_of(run_rego({"package o\np := y { y > 1; y = 2 }\n"}, "x := data.o.p").x()) == "2");
}

TEST_CASE("modules of one package merge; imports resolve", "[rego][eval]")
{
  const auto run = run_rego({"package lib\nhelper := 41\n", "package app\nimport data.lib\nanswer := lib.helper + 1\n",
                             "package app\nother := answer\n"},
                            "x := data.app.other");
  CHECK(json_of(run.x()) == "42");
}

TEST_CASE("deep recursion in evaluation is an error, not a crash", "[rego][eval]")
{
  std::string body = "package d\np {\n";
  for (int i = 0; i < 5000; ++i) {
    body += "  x" + std::to_string(i) + " := " + std::to_string(i) + "\n";
  }
  body += "}\n";
  const auto run = run_rego({body}, "x := data.d.p");
  CHECK(run.error_code() == "eval_internal_error");
}
