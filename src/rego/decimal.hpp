#pragma once
// Exact decimal numbers for the values a double or a 64-bit integer cannot hold (`1e1000`, big
// integers): OPA keeps numbers in arbitrary precision, so comparisons and `+ - *` stay exact.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::rego {

struct Decimal {
  bool negative = false;
  std::string digits = "0";  // most significant first, no leading zeros ("0" for zero)
  std::int64_t exponent = 0; // the value is digits * 10^exponent

  // JSON number syntax (`-12`, `1.5e300`); nullopt when `text` is not one.
  static std::optional<Decimal> parse(std::string_view text);
  static Decimal from_int(std::int64_t i);
  static Decimal from_double(double d); // shortest round-trip digits

  bool is_zero() const { return digits == "0"; }
  bool is_integer() const { return exponent >= 0; }
  // The value when it is an integer within 64 bits.
  std::optional<std::int64_t> to_int() const;
  double to_double() const; // nearest double, +-inf beyond its range
  // Integers as plain digits; others as `digits` with a point, or in exponent form when long.
  std::string text() const;
};

int compare(const Decimal& a, const Decimal& b);
Decimal add(const Decimal& a, const Decimal& b);
Decimal subtract(const Decimal& a, const Decimal& b);
Decimal multiply(const Decimal& a, const Decimal& b);

} // namespace tollgate::rego
