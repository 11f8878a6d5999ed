// The lexer and parser: tokens, both syntaxes, and errors that name file:line:col with a caret.

#include "rego/lexer.hpp"
#include "rego/parser.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::rego;

namespace {

std::string parse_error(const std::string& source)
{
  auto module = parse_module("policies/x.rego", source);
  REQUIRE_FALSE(module.has_value());
  return module.error().str();
}

} // namespace

TEST_CASE("the lexer splits operators, strings and numbers", "[rego][lexer]")
{
  auto tokens = lex("f", "x := `raw\\n` + \"a\\u00e9\\n\" != 1.5e3 # comment\ny");
  REQUIRE(tokens);
  const auto& t = *tokens;
  REQUIRE(t.size() == 9);
  CHECK(t[1].kind == Tok::assign);
  CHECK(t[2].kind == Tok::string);
  CHECK(t[2].text == "raw\\n"); // raw strings keep backslashes
  CHECK(t[4].text == "a\xc3\xa9\n");
  CHECK(t[5].kind == Tok::ne);
  CHECK(t[6].kind == Tok::number);
  CHECK(t[6].text == "1.5e3");
  CHECK(t[7].newline_before);
  CHECK(t[7].row == 2);
  CHECK(t[8].kind == Tok::end);
}

TEST_CASE("lexer errors point at the offending character", "[rego][lexer]")
{
  auto tokens = lex("policies/x.rego", "package x\np { \"open\n}");
  REQUIRE_FALSE(tokens);
  CHECK(tokens.error().str() == "policies/x.rego:2:5: unterminated string\n  p { \"open\n      ^");
  CHECK(tokens.error().code == "rego_parse_error");
  CHECK_FALSE(lex("f", "x := 1 ^ 2").has_value());
}

TEST_CASE("v0 and v1 rule forms parse to the same kinds", "[rego][parser]")
{
  auto module = parse_module("m.rego", R"(package codegen
import future.keywords.in
import rego.v1
import data.lib.helpers as h

deny[msg] { input.url == "api.example.com"; msg := "blocked" }
deny contains msg if { msg := "v1" }
allow := true if input.ok
default allow := false
labels[k] = v { some k, v in input.labels }
f(x) := y if { y := x + 1 } else := 0
a.b.c := 1
q[x] if x := 1
)");
  REQUIRE(module);
  const auto& rules = (*module)->rules;
  REQUIRE(rules.size() == 8);
  CHECK((*module)->package == std::vector<std::string>{"codegen"});
  REQUIRE((*module)->imports.size() == 1);
  CHECK((*module)->imports[0].alias == "h");
  CHECK(rules[0]->kind == RuleKind::partial_set);
  CHECK(rules[1]->kind == RuleKind::partial_set);
  CHECK(rules[2]->kind == RuleKind::complete);
  CHECK(rules[3]->is_default);
  CHECK(rules[4]->kind == RuleKind::partial_object);
  CHECK(rules[5]->kind == RuleKind::function);
  CHECK(rules[5]->else_rule != nullptr);
  CHECK(rules[6]->head_ref.size() == 3);
  CHECK(rules[7]->kind == RuleKind::partial_object); // v1: `q[x] if ...` maps x to true
}

TEST_CASE("parse errors name file:line:col, show the line and a caret", "[rego][parser]")
{
  CHECK(parse_error("package x\n\np {\n  input.a ==\n}\n") ==
        "policies/x.rego:5:1: unexpected `}`, expected a term\n  }\n  ^");
  CHECK(parse_error("pakage x\n") == "policies/x.rego:1:1: unexpected `pakage`, expected `package`\n  pakage x\n  ^");
  CHECK_THAT(parse_error("package x\np { x := [1, 2 }\n"), Catch::StartsWith("policies/x.rego:2:16: unexpected `}`"));
  CHECK_THAT(parse_error("package x\nimport foo.bar\n"), Catch::Contains("invalid import `foo`"));
  CHECK_THAT(parse_error("package x\ndefault p[x] { true }\n"), Catch::Contains("default rule"));
}

TEST_CASE("newlines end expressions; brackets on the next line do not continue a reference", "[rego][parser]")
{
  auto module = parse_module("m.rego", "package x\np {\n  y := input\n  [a, b] = [1, 2]\n}\n");
  REQUIRE(module);
  CHECK((*module)->rules[0]->body.size() == 2);
}

TEST_CASE("deeply nested input is an error, not a crash", "[rego][parser]")
{
  const std::string deep = "package x\np := " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  CHECK_THAT(parse_error(deep), Catch::Contains("nested too deeply"));
  const std::string parens = "package x\np := " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n";
  CHECK_THAT(parse_error(parens), Catch::Contains("nested too deeply"));
}

TEST_CASE("several bodies define the rule again; imports may follow rules", "[rego][parser]")
{
  auto module = parse_module(
      "m.rego", "package p\ndeny[x] { x := 1 } { x := 2 }\nimport data.lib\nf(a) = 1 { a } {\n  true\n}\n");
  REQUIRE(module);
  const auto& rules = (*module)->rules;
  REQUIRE(rules.size() == 4);
  CHECK(rules[0]->kind == RuleKind::partial_set);
  CHECK(rules[1]->kind == RuleKind::partial_set);
  CHECK(rules[1]->key != rules[0]->key); // each body has its own head terms
  CHECK(rules[3]->kind == RuleKind::function);
  CHECK(rules[3]->args.size() == 1);
  REQUIRE((*module)->imports.size() == 1);
  CHECK((*module)->imports[0].alias == "lib");
}

TEST_CASE("future keywords are names in v0 modules that do not import them", "[rego][parser]")
{
  CHECK(parse_module("m.rego", "package p\nq = in { in := 1 }\nr = every { every := [1][0] }\n"));
  CHECK(parse_error("package p\nimport future.keywords.in\nq = in { true }\n").find("unexpected `in`") !=
        std::string::npos);
  CHECK(parse_module("m.rego", "package p\nimport rego.v1\nq if every x in [1] { x > 0 }\n"));
}

TEST_CASE("numbers beyond a double are kept exactly", "[rego][parser]")
{
  auto module = parse_module("m.rego", "package p\nq := 1e1000\nr := -2e308\n");
  REQUIRE(module);
  CHECK(number_text((*module)->rules[0]->value->value) == "1e1000");
  CHECK(number_text((*module)->rules[1]->value->value) == "-2e308");
}

TEST_CASE("METADATA comment blocks attach to the package or the rule that follows", "[rego][parser]")
{
  auto module = parse_module("m.rego", "# METADATA\n# title: P\npackage p\n\n# METADATA\n# title: R\n# scope: "
                                       "document\n# custom:\n#   level: 2\nq := 1\n# just a comment\nr := 2\n");
  REQUIRE(module);
  const auto& annotations = (*module)->annotations;
  REQUIRE(annotations.size() == 2);
  CHECK(annotations[0].scope == "package");
  CHECK(annotations[0].rule == nullptr);
  CHECK(annotations[1].scope == "document");
  CHECK(annotations[1].rule == (*module)->rules[0].get());
  CHECK(to_text(annotations[1].fields) == R"({"custom": {"level": 2}, "title": "R"})");
  CHECK(parse_error("package p\n# METADATA\n# title: [unclosed\nq := 1\n").find("invalid METADATA block") !=
        std::string::npos);
}
