// json.filter, json.remove, json.patch, json.marshal_with_options, json.match_schema and
// json.verify_schema, with OPA's documented results.

#include "rego/support.hpp"

using tollgate::test::json_of;
using tollgate::test::rego_value;
using tollgate::test::run_rego;

TEST_CASE("json.filter and json.remove keep or drop paths", "[rego][builtins][json]")
{
  const std::string doc = R"({"a": {"b": 1, "c": 2}, "d": [10, 20, 30], "e/f": 4})";
  CHECK(json_of(rego_value("json.filter(" + doc + R"(, ["a/b", "d/1"]))")) == R"({"a":{"b":1},"d":[20]})");
  CHECK(json_of(rego_value("json.filter(" + doc + R"(, {["a", "c"], "e~1f"}))")) == R"({"a":{"c":2},"e/f":4})");
  CHECK(json_of(rego_value("json.filter(" + doc + R"(, ["a", "a/b"]))")) == R"({"a":{"b":1,"c":2}})");
  CHECK(json_of(rego_value("json.remove(" + doc + R"(, ["a/b", "d/0"]))")) == R"({"a":{"c":2},"d":[20,30],"e/f":4})");
  CHECK(json_of(rego_value("json.remove(" + doc + R"(, [["a"], "e~1f"]))")) == R"({"d":[10,20,30]})");
  CHECK(run_rego({}, R"(x := json.filter({"a": 1}, "a"))", "", true).error_code() == "eval_type_error");
}

TEST_CASE("json.patch applies RFC 6902 operations, undefined when one fails", "[rego][builtins][json]")
{
  CHECK(json_of(rego_value(R"(json.patch({"a": {"foo": 1}}, [{"op": "add", "path": "/a/bar", "value": 2}]))")) ==
        R"({"a":{"bar":2,"foo":1}})");
  CHECK(
      json_of(rego_value(
          R"(json.patch([1, 2], [{"op": "add", "path": "/-", "value": 3}, {"op": "add", "path": "/0", "value": 0}]))")) ==
      "[0,1,2,3]");
  CHECK(
      json_of(rego_value(
          R"(json.patch({"a": 1, "b": 2}, [{"op": "remove", "path": "/a"}, {"op": "replace", "path": "/b", "value": 3}]))")) ==
      R"({"b":3})");
  CHECK(json_of(rego_value(R"(json.patch({"a": {"x": 1}}, [{"op": "move", "from": "/a/x", "path": "/y"}]))")) ==
        R"({"a":{},"y":1})");
  CHECK(
      json_of(rego_value(
          R"(json.patch({"a": [1]}, [{"op": "copy", "from": "/a", "path": "/b"}, {"op": "test", "path": "/b/0", "value": 1}]))")) ==
      R"({"a":[1],"b":[1]})");
  CHECK(json_of(rego_value(R"(json.patch({"a": 1}, [{"op": "add", "path": "", "value": 7}]))")) == "7");
  CHECK(json_of(rego_value(R"(json.patch({"a": 1}, [{"op": "remove", "path": "/b"}]))")) == "undefined");
  CHECK(json_of(rego_value(R"(json.patch({"a": 1}, [{"op": "test", "path": "/a", "value": 2}]))")) == "undefined");
  CHECK(json_of(rego_value(R"(json.patch({"a": 1}, [{"op": "add", "path": "/x/y", "value": 2}]))")) == "undefined");
  CHECK(json_of(rego_value(R"(json.patch({"a": 1}, [{"op": "frobnicate", "path": "/a"}]))")) == "undefined");
}

TEST_CASE("json.marshal_with_options writes Go's indented JSON", "[rego][builtins][json]")
{
  CHECK(json_of(rego_value(R"(json.marshal_with_options({"a": [1, 2]}, {"pretty": true}))")) ==
        R"("{\n\t\"a\": [\n\t\t1,\n\t\t2\n\t]\n}")");
  CHECK(json_of(rego_value(R"(json.marshal_with_options({"a": {}}, {"indent": "  ", "prefix": "> "}))")) ==
        R"("> {\n>   \"a\": {}\n> }")");
  CHECK(json_of(rego_value(R"(json.marshal_with_options({"a": "<b>"}, {"pretty": false, "indent": "  "}))")) ==
        R"("{\"a\":\"\\u003cb\\u003e\"}")");
  const auto unknown = run_rego({}, R"(x := json.marshal_with_options(1, {"colour": true}))", "", true);
  CHECK(unknown.rows.error().message == "json.marshal_with_options: operand 2 object contained unknown key colour");
}

TEST_CASE("json.match_schema reports gojsonschema's errors", "[rego][builtins][json][schema]")
{
  const std::string schema =
      R"j({"properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}, "required": ["id"], "additionalProperties": false})j";
  const auto match = [&](const std::string& document, const std::string& with) {
    return json_of(rego_value("json.match_schema(" + document + ", " + with + ")"));
  };
  CHECK(match(R"j({"id": 5})j", schema) == "[true,[]]");
  CHECK(match(R"j("{\"id\": 5}")j", schema) == "[true,[]]");
  CHECK(
      match(R"j({"id": "x"})j", schema) ==
      R"j([false,[{"desc":"Invalid type. Expected: integer, given: string","error":"id: Invalid type. Expected: integer, given: string","field":"id","type":"invalid_type"}]])j");
  CHECK(
      match(R"j({"other": 1})j", schema) ==
      R"j([false,[{"desc":"id is required","error":"(root): id is required","field":"(root)","type":"required"},)j"
      R"j({"desc":"Additional property other is not allowed","error":"(root): Additional property other is not allowed","field":"(root)","type":"additional_property_not_allowed"}]])j");
  CHECK(
      match(R"j({"id": 1, "tags": ["a", 2, "c"]})j", schema) ==
      R"j([false,[{"desc":"Invalid type. Expected: string, given: integer","error":"tags.1: Invalid type. Expected: string, given: integer","field":"tags.1","type":"invalid_type"},)j"
      R"j({"desc":"Array must have at most 2 items","error":"tags: Array must have at most 2 items","field":"tags","type":"array_max_items"}]])j");
  // A scalar document is given as JSON text (OPA loads strings as JSON); a number is an error.
  CHECK(match("3", R"j({"type": "number"})j") == "undefined");
  // Draft 4 exclusiveMinimum (boolean), draft 6+ (number), enum, pattern, $ref.
  CHECK(
      match(R"j("3")j", R"j({"minimum": 3, "exclusiveMinimum": true})j") ==
      R"j([false,[{"desc":"Must be greater than 3","error":"(root): Must be greater than 3","field":"(root)","type":"number_gt"}]])j");
  CHECK(match(R"j("3")j", R"j({"exclusiveMinimum": 2})j") == "[true,[]]");
  CHECK(
      match(R"j("\"b\"")j", R"j({"enum": ["a", 1]})j") ==
      R"j([false,[{"desc":"(root) must be one of the following: \"a\", 1","error":"(root): (root) must be one of the following: \"a\", 1","field":"(root)","type":"enum"}]])j");
  CHECK(
      match(R"j({"n": "ab"})j",
            R"j({"definitions": {"s": {"pattern": "^a+$"}}, "properties": {"n": {"$ref": "#/definitions/s"}}})j") ==
      R"j([false,[{"desc":"Does not match pattern '^a+$'","error":"n: Does not match pattern '^a+$'","field":"n","type":"pattern"}]])j");
  CHECK(match(R"j("1")j", R"j({"anyOf": [{"type": "string"}, {"type": "boolean"}]})j")
            .starts_with(R"j([false,[{"desc":"Must validate at least one schema (anyOf)")j"));
  CHECK(run_rego({}, R"j(x := json.match_schema(1, {"type": "nope"}))j", "", true).error_code() ==
        "eval_builtin_error");
}

TEST_CASE("json.verify_schema checks a schema", "[rego][builtins][json][schema]")
{
  CHECK(json_of(rego_value(R"j(json.verify_schema({"type": "object", "properties": {"a": {"type": "string"}}}))j")) ==
        "[true,null]");
  CHECK(json_of(rego_value(R"j(json.verify_schema("{\"type\": \"string\"}"))j")) == "[true,null]");
  CHECK(rego_value(R"j(json.verify_schema({"type": "strin"}))j").as_array()[0].is_false());
  CHECK(rego_value(R"j(json.verify_schema({"pattern": "("}))j").as_array()[0].is_false());
  CHECK(rego_value(R"j(json.verify_schema({"$ref": "https://example.com/schema.json"}))j").as_array()[0].is_false());
  CHECK(json_of(rego_value(R"j(json.verify_schema("{"))j")) == R"j([false,"jsonschema: invalid JSON string"])j");
}
