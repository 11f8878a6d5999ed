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
      R"({"properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}, "required": ["id"], "additionalProperties": false})";
  CHECK(json_of(rego_value(R"(json.match_schema({"id": 5}, )" + schema + ")")) == "[true,[]]");
  CHECK(json_of(rego_value(R"(json.match_schema("{\"id\": 5}", )" + schema + ")")) == "[true,[]]");
  CHECK(
      json_of(rego_value(R"(json.match_schema({"id": "x"}, )" + schema + ")")) ==
      R"([false,[{"desc":"Invalid type. Expected: integer, given: string","error":"id: Invalid type. Expected: integer, given: string","field":"id","type":"invalid_type"}]])");
  CHECK(json_of(rego_value(R"(json.match_schema({"other": 1}, )" + schema + ")")) ==
        R"([false,[{"desc":"id is required","error":"(root): id is required","field":"(root)","type":"required"
},)"
        R"({"desc":"Additional property other is not allowed","error":"(root): Additional property other is not allowed","field":"(root)","type":"additional_property_not_allowed"
}]])");
  CHECK(json_of(rego_value(R"(json.match_schema({"id": 1, "tags": ["a", 2, "c"]}, )" + schema + ")")) ==
        R"([false,[{"desc":"Invalid type. Expected: string, given: integer","error":"tags.1: Invalid type. Expected: string, given: integer","field":"tags.1","type":"invalid_type"},)"
        R"({"desc":"Array must have at most 2 items","error":"tags: Array must have at most 2 items","field":"tags","type":"array_max_items"}]])");
// Draft 4 exclusiveMinimum (boolean), draft 6+ (number), enum, pattern, $ref.
  CHECK(json_of(rego_value(R"(json.match_schema(3, {"minimum": 3, "exclusiveMinimum": true}))")) ==
        R"([false,[{"desc":"Must be greater than 3","error":"(root): Must be greater than 3","field":"(root)","type":"number_gt"
  }]])");
  CHECK(json_of(rego_value(R"(json.match_schema(3, {"exclusiveMinimum": 2}))")) == "[true,[]]");
  CHECK(json_of(rego_value(R"(json.match_schema("b", {"enum": ["a", 1]}))")) ==
        R"([false,[{"desc":"(root) must be one of the following: \"a\", 1","error":"(root): (root) must be one of the following: \"a\", 1","field":"(root)","type":"enum"
  }]])");
  CHECK(json_of(rego_value(R"(json.match_schema({"n": "ab"}, {"definitions": {"s": {"pattern": "^a+$"}}, "properties": {"n": {"$ref": "#/definitions/s"}}}))")) ==
        R"([false,[{"desc":"Does not match pattern '^a+$'","error":"n: Does not match pattern '^a+$'","field":"n","type":"pattern"}]])");
  CHECK(json_of(rego_value(R"(json.match_schema(1, {"anyOf": [{"type": "string"}, {"type": "boolean"}]}))")).starts_with(
      R"([false,[{"desc":"Must validate at least one schema (anyOf)")"));
  CHECK(run_rego({}, R"(x := json.match_schema(1, {"type": "nope"}))", "", true).error_code() == "eval_builtin_error");
  }

  TEST_CASE("json.verify_schema checks a schema", "[rego][builtins][json][schema]")
  {
    CHECK(json_of(rego_value(R"(json.verify_schema({"type": "object", "properties": {"a": {"type": "string"}}}))")) ==
          "[true,null]");
    CHECK(json_of(rego_value(R"(json.verify_schema("{\"type\": \"string\"}"))")) == "[true,null]");
    CHECK(rego_value(R"(json.verify_schema({"type": "strin"}))").as_array()[0].is_false());
    CHECK(rego_value(R"(json.verify_schema({"pattern": "("}))").as_array()[0].is_false());
    CHECK(rego_value(R"(json.verify_schema({"$ref": "https://example.com/schema.json"}))").as_array()[0].is_false());
    CHECK(json_of(rego_value(R"(json.verify_schema("{"))")) == R"([false,"jsonschema: invalid JSON string"])");
  }
