// Values: OPA's sort order, exact integers, JSON round trips.

#include "rego/value.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tollgate::rego;

TEST_CASE("values sort in OPA's order of kinds, then by value", "[rego][value]")
{
  const std::vector<Value> sorted = {
      Value::null(),      Value::boolean(false), Value::boolean(true), Value::integer(-1),
      Value::number(0.5), Value::integer(2),     Value::string("a"),   Value::array({Value::integer(1)}),
      Value::object({}),  Value::set({})};
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    INFO(i);
    CHECK(compare(sorted[i], sorted[i + 1]) < 0);
    CHECK(compare(sorted[i + 1], sorted[i]) > 0);
  }
  CHECK(Value::integer(1) == Value::number(1.0));
}

TEST_CASE("sets and objects are sorted and unique", "[rego][value]")
{
  const Value set = Value::set({Value::integer(3), Value::integer(1), Value::integer(3)});
  CHECK(to_json(set).dump() == "[1,3]");
  const Value object =
      Value::object({{Value::string("b"), Value::integer(1)}, {Value::string("a"), Value::integer(2)}});
  CHECK(to_json(object).dump() == R"({"a":2,"b":1})");
  REQUIRE(object.find("b") != nullptr);
  CHECK(object.find("b")->as_int() == 1);
  CHECK(object.find("c") == nullptr);
  CHECK(object.get(Value::string("a")).as_int() == 2);
}

TEST_CASE("integers stay exact beyond 2^53 and past 64 bits", "[rego][value]")
{
  CHECK(to_text(from_json(nlohmann::json::parse("9007199254740993"))) == "9007199254740993");
  const Value big = from_json(nlohmann::json::parse("18446744073709551615"));
  CHECK(big.is_big());
  CHECK(to_text(big) == "18446744073709551615");
  CHECK(compare(Value::big_integer("28857836529306024611913"), Value::big_integer("28857836529306024611912")) > 0);
  CHECK(compare(Value::big_integer("-28857836529306024611913"), Value::integer(5)) < 0);
}

TEST_CASE("text form of values as sprintf %v shows them", "[rego][value]")
{
  CHECK(to_text(Value::set({})) == "set()");
  CHECK(to_text(Value::array({Value::string("a"), Value::null()})) == R"(["a", null])");
  CHECK(to_text(Value::number(1.5)) == "1.5");
}
