// Exact decimals: numbers beyond a double or 64 bits compare and compute exactly, as OPA does.

#include "rego/decimal.hpp"
#include "rego/value.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tollgate::rego;

namespace {

Decimal dec(const char* text)
{
  auto d = Decimal::parse(text);
  REQUIRE(d);
  return *d;
}

} // namespace

TEST_CASE("decimals parse JSON numbers and print canonically", "[rego][decimal]")
{
  CHECK(dec("1e3").text() == "1000");
  CHECK(dec("-0.0500").text() == "-0.05");
  CHECK(dec("0").text() == "0");
  CHECK(dec("-0").text() == "0");
  CHECK(dec("1e1000").text() == "1e+1000");
  CHECK(dec("12.5e-3").text() == "0.0125");
  CHECK_FALSE(Decimal::parse("1e"));
  CHECK_FALSE(Decimal::parse("abc"));
  CHECK_FALSE(Decimal::parse("1.2.3"));
  CHECK(dec("9223372036854775807").to_int() == 9223372036854775807LL);
  CHECK(dec("-9223372036854775808").to_int().has_value());
  CHECK_FALSE(dec("9223372036854775808").to_int());
}

TEST_CASE("decimal arithmetic and comparison are exact", "[rego][decimal]")
{
  CHECK(add(dec("9223372036854775807"), dec("1")).text() == "9223372036854775808");
  CHECK(subtract(dec("1"), dec("3.5")).text() == "-2.5");
  CHECK(multiply(dec("99999999999999999999"), dec("99999999999999999999")).text() ==
        "9999999999999999999800000000000000000001");
  CHECK(multiply(dec("-2"), dec("0")).text() == "0");
  CHECK(compare(dec("1e1000"), dec("1e999")) > 0);
  CHECK(compare(dec("-1e1000"), dec("-1e999")) < 0);
  CHECK(compare(dec("0.1"), dec("0.10")) == 0);
  CHECK(dec("1e400").to_double() == HUGE_VAL);
}

TEST_CASE("values beyond a double keep their text and order", "[rego][decimal]")
{
  const Value huge = Value::big_number("2e308");
  CHECK(huge.is_number());
  CHECK(huge.is_big());
  CHECK(number_text(huge) == "2e308");
  CHECK(compare(huge, Value::number(1.7976931348623157e308)) > 0);
  CHECK(compare(Value::big_number("-2e308"), Value::integer(0)) < 0);
  CHECK(Value::big_integer("42") == Value::integer(42));
  CHECK(Value::big_integer("000123456789012345678901234567890").as_string() == "123456789012345678901234567890");
}

TEST_CASE("decimal arithmetic stays bounded on far-apart magnitudes", "[rego][decimal]")
{
  // Exact, these would take a million digits: rounded as a float would be.
  CHECK(add(dec("1e1000000"), dec("1")).text() == "1e+1000000");
  CHECK(subtract(dec("1"), dec("1e1000000")).text() == "-1e+1000000");
  const Decimal long_one = dec(std::string(3000, '7').c_str());
  CHECK(multiply(long_one, long_one).digits.size() <= 2000);
}

TEST_CASE("numbers beyond 64 bits are exact in JSON text and read back", "[rego][decimal]")
{
  const Value v = Value::array({Value::big_number("1e1000"), Value::big_integer("18446744073709551616"),
                                Value::big_integer("18446744073709551615"), Value::string("\\u0001")});
  const auto json = to_json(v);
  CHECK(json_text(json) == R"([1e1000,18446744073709551616,18446744073709551615,"\\u0001"])");
  CHECK(from_json(json) == v);
  CHECK(number_text(from_json(json).as_array()[0]) == "1e1000");
}
