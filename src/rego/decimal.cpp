#include "rego/decimal.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

namespace tollgate::rego {

namespace {

constexpr std::int64_t k_max_exponent = 1'000'000'000; // beyond this a literal is refused
// Exact results longer than this many digits are rounded instead (as a float would be): adding
// 1e1000000 and 1 exactly would take a million digits.
constexpr std::size_t k_max_digits = 2000;

// Removes leading zeros of the digits and moves trailing zeros into the exponent.
Decimal normalized(Decimal d)
{
  const std::size_t first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) {
    return Decimal{};
  }
  d.digits.erase(0, first);
  const std::size_t last = d.digits.find_last_not_of('0');
  d.exponent += static_cast<std::int64_t>(d.digits.size() - last - 1);
  d.digits.erase(last + 1);
  return d;
}

// Magnitude comparison of digit strings aligned to the same exponent.
int compare_magnitude(const Decimal& a, const Decimal& b)
{
  const std::int64_t a_top = static_cast<std::int64_t>(a.digits.size()) + a.exponent;
  const std::int64_t b_top = static_cast<std::int64_t>(b.digits.size()) + b.exponent;
  if (a.is_zero() || b.is_zero()) {
    return a.is_zero() == b.is_zero() ? 0 : (a.is_zero() ? -1 : 1);
  }
  if (a_top != b_top) {
    return a_top < b_top ? -1 : 1;
  }
  const std::size_t n = std::max(a.digits.size(), b.digits.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char x = i < a.digits.size() ? a.digits[i] : '0';
    const char y = i < b.digits.size() ? b.digits[i] : '0';
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

// `digits` of `d` padded with zeros down to exponent `e` (e <= d.exponent).
std::string scaled(const Decimal& d, std::int64_t e)
{
  return d.digits + std::string(static_cast<std::size_t>(d.exponent - e), '0');
}

std::string add_digits(const std::string& a, const std::string& b)
{
  std::string out;
  int carry = 0;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry != 0; ++i) {
    int sum = carry;
    sum += i < a.size() ? a[a.size() - 1 - i] - '0' : 0;
    sum += i < b.size() ? b[b.size() - 1 - i] - '0' : 0;
    out.push_back(static_cast<char>('0' + sum % 10));
    carry = sum / 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// a - b for a >= b.
std::string subtract_digits(const std::string& a, const std::string& b)
{
  std::string out;
  int borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    int diff = (a[a.size() - 1 - i] - '0') - borrow - (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
    borrow = diff < 0 ? 1 : 0;
    out.push_back(static_cast<char>('0' + (diff + 10) % 10));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

} // namespace

std::optional<Decimal> Decimal::parse(std::string_view text)
{
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    d.negative = text[i] == '-';
    ++i;
  }
  std::string digits;
  std::int64_t exponent = 0;
  bool any = false;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0; ++i) {
    digits.push_back(text[i]);
    any = true;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0; ++i) {
      digits.push_back(text[i]);
      --exponent;
      any = true;
    }
  }
  if (!any) {
    return std::nullopt;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    std::int64_t e = 0;
    const char* begin = text.data() + i;
    if (i < text.size() && text[i] == '+') {
      ++begin;
    }
    const auto result = std::from_chars(begin, text.data() + text.size(), e);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || std::abs(e) > k_max_exponent) {
      return std::nullopt;
    }
    exponent += e;
    i = text.size();
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  d.digits = digits;
  d.exponent = exponent;
  const bool negative = d.negative;
  d = normalized(d);
  d.negative = negative && !d.is_zero();
  return d;
}

Decimal Decimal::from_int(std::int64_t i)
{
  Decimal d;
  d.negative = i < 0;
  const std::uint64_t magnitude = i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
  d.digits = std::to_string(magnitude);
  d = normalized(d);
  d.negative = i < 0;
  return d;
}

Decimal Decimal::from_double(double value)
{
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return parse(std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer))).value_or(Decimal{});
}

std::optional<std::int64_t> Decimal::to_int() const
{
  if (!is_integer() || digits.size() + static_cast<std::size_t>(exponent) > 19) {
    return std::nullopt;
  }
  const std::string text = scaled(*this, 0);
  std::uint64_t magnitude = 0;
  std::from_chars(text.data(), text.data() + text.size(), magnitude);
  constexpr auto k_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > k_max + (negative ? 1 : 0)) {
    return std::nullopt;
  }
  return negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
}

double Decimal::to_double() const
{
  const std::int64_t top = static_cast<std::int64_t>(digits.size()) + exponent;
  if (top > 400) {
    return negative ? -HUGE_VAL : HUGE_VAL;
  }
  if (top < -400) {
    return negative ? -0.0 : 0.0;
  }
  const std::string text = (negative ? "-" : "") + digits + "e" + std::to_string(exponent);
  return std::strtod(text.c_str(), nullptr);
}

std::string Decimal::text() const
{
  std::string out = negative ? "-" : "";
  const auto size = static_cast<std::int64_t>(digits.size());
  if (exponent >= 0 && exponent + size <= 100) {
    return out + digits + std::string(static_cast<std::size_t>(exponent), '0');
  }
  if (exponent < 0 && -exponent < size + 20) {
    const std::int64_t point = size + exponent; // digits before the point
    if (point > 0) {
      return out + digits.substr(0, static_cast<std::size_t>(point)) + "." +
             digits.substr(static_cast<std::size_t>(point));
    }
    return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  }
  // d.ddde+N, as Go prints large floats.
  const std::int64_t e = exponent + size - 1;
  out += digits.substr(0, 1);
  if (size > 1) {
    out += "." + digits.substr(1);
  }
  return out + (e < 0 ? "e-" : "e+") + std::to_string(e < 0 ? -e : e);
}

int compare(const Decimal& a, const Decimal& b)
{
  if (a.negative != b.negative) {
    return a.negative ? -1 : 1;
  }
  const int c = compare_magnitude(a, b);
  return a.negative ? -c : c;
}

Decimal add(const Decimal& a, const Decimal& b)
{
  if (a.is_zero() || b.is_zero()) {
    return a.is_zero() ? b : a;
  }
  const std::int64_t e = std::min(a.exponent, b.exponent);
  const std::int64_t top = std::max(static_cast<std::int64_t>(a.digits.size()) + a.exponent,
                                    static_cast<std::int64_t>(b.digits.size()) + b.exponent);
  if (top - e > static_cast<std::int64_t>(k_max_digits)) {
    // Too far apart to add exactly within the budget: the smaller one is below the precision kept.
    return compare_magnitude(a, b) >= 0 ? a : b;
  }
  Decimal out;
  out.exponent = e;
  if (a.negative == b.negative) {
    out.digits = add_digits(scaled(a, e), scaled(b, e));
    out.negative = a.negative;
  } else if (compare_magnitude(a, b) >= 0) {
    out.digits = subtract_digits(scaled(a, e), scaled(b, e));
    out.negative = a.negative;
  } else {
    out.digits = subtract_digits(scaled(b, e), scaled(a, e));
    out.negative = b.negative;
  }
  const bool negative = out.negative;
  out = normalized(out);
  out.negative = negative && !out.is_zero();
  return out;
}

Decimal subtract(const Decimal& a, const Decimal& b)
{
  Decimal negated = b;
  negated.negative = !b.negative && !b.is_zero();
  return add(a, negated);
}

Decimal multiply(const Decimal& a, const Decimal& b)
{
  if (a.digits.size() + b.digits.size() > k_max_digits) {
    // Keep the leading digits of each factor: the product rounded, not exact.
    auto rounded = [](const Decimal& d) {
      Decimal r = d;
      if (r.digits.size() > k_max_digits / 2) {
        r.exponent += static_cast<std::int64_t>(r.digits.size() - k_max_digits / 2);
        r.digits.resize(k_max_digits / 2);
      }
      return r;
    };
    return multiply(rounded(a), rounded(b));
  }
  std::string product(a.digits.size() + b.digits.size(), '0');
  std::vector<int> cells(product.size(), 0);
  for (std::size_t i = 0; i < a.digits.size(); ++i) {
    for (std::size_t j = 0; j < b.digits.size(); ++j) {
      cells[i + j + 1] += (a.digits[i] - '0') * (b.digits[j] - '0');
    }
  }
  for (std::size_t k = cells.size() - 1; k > 0; --k) {
    cells[k - 1] += cells[k] / 10;
    cells[k] %= 10;
  }
  for (std::size_t k = 0; k < cells.size(); ++k) {
    product[k] = static_cast<char>('0' + cells[k]);
  }
  Decimal out;
  out.digits = product;
  out.exponent = a.exponent + b.exponent;
  out = normalized(out);
  out.negative = a.negative != b.negative && !out.is_zero();
  return out;
}

} // namespace tollgate::rego
