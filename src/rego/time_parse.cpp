// Parsing with Go's time layouts (time.Parse, with Go's error wording) and Go's durations.

#include "rego/time_layout.hpp"
#include "rego/time_layout_chunks.hpp"

#include <fmt/format.h>

#include <cctype>
#include <map>

namespace tollgate::rego::civil {

namespace {

using namespace layout;

// Go's getnum: one or two digits (exactly two when `fixed`).
std::optional<int> number(std::string_view& v, bool fixed)
{
  if (!digit_at(v, 0)) {
    return std::nullopt;
  }
  if (!digit_at(v, 1)) {
    if (fixed) {
      return std::nullopt;
    }
    const int n = v[0] - '0';
    v.remove_prefix(1);
    return n;
  }
  const int n = (v[0] - '0') * 10 + (v[1] - '0');
  v.remove_prefix(2);
  return n;
}

std::optional<int> name_index(std::string_view& v, bool long_form, bool months)
{
  const std::size_t count = months ? 12 : 7;
  for (std::size_t k = 0; k < count; ++k) {
    std::string_view name = months ? k_long_months[k] : k_long_days[k];
    if (!long_form) {
      name = name.substr(0, 3);
    }
    if (v.size() >= name.size()) {
      bool same = true;
      for (std::size_t c = 0; c < name.size(); ++c) {
        same = same && std::tolower(static_cast<unsigned char>(v[c])) == std::tolower(name[c]);
      }
      if (same) {
        v.remove_prefix(name.size());
        return static_cast<int>(k);
      }
    }
  }
  return std::nullopt;
}

} // namespace

std::expected<Instant, std::string> parse(const std::string& layout, const std::string& text)
{
  std::string_view l = layout;
  std::string_view v = text;
  const auto bad = [&](std::string_view value_rest, std::string_view element) {
    return std::unexpected(fmt::format("parsing time {} as {}: cannot parse {} as {}", quote(text), quote(layout),
                                       quote(value_rest), quote(element)));
  };
  const auto range = [&](std::string_view what) {
    return std::unexpected(fmt::format("parsing time {}: {} out of range", quote(text), what));
  };
  std::int64_t year = 0;
  int month = -1;
  int day = -1;
  int year_day = -1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t nanos = 0;
  std::optional<std::int32_t> offset;
  int pm = 0; // 1 am, 2 pm
  std::size_t i = 0;
  std::size_t literal = 0; // start of the literal text before the current chunk
  while (true) {
    std::optional<Chunk> c;
    while (i < l.size() && !(c = chunk_at(l, i))) {
      ++i;
    }
    // The literal text l[literal, i) must match the value (a space matches a run of spaces).
    std::string_view prefix = l.substr(literal, i - literal);
    while (!prefix.empty()) {
      if (prefix[0] == ' ') {
        if (!v.empty() && v[0] != ' ') {
          return bad(v, l.substr(literal, i - literal));
        }
        while (!prefix.empty() && prefix[0] == ' ') {
          prefix.remove_prefix(1);
        }
        while (!v.empty() && v[0] == ' ') {
          v.remove_prefix(1);
        }
        continue;
      }
      if (v.empty() || v[0] != prefix[0]) {
        return bad(v, l.substr(literal, i - literal));
      }
      prefix.remove_prefix(1);
      v.remove_prefix(1);
    }
    if (!c) {
      break;
    }
    const std::string_view element = l.substr(i, c->length);
    const std::string_view before = v;
    i += c->length;
    literal = i;
    std::optional<int> n;
    switch (c->std) {
    case Std::long_year:
      if (v.size() < 4 || !digit_at(v, 0) || !digit_at(v, 1) || !digit_at(v, 2) || !digit_at(v, 3)) {
        return bad(before, element);
      }
      year = std::stoll(std::string(v.substr(0, 4)));
      v.remove_prefix(4);
      break;
    case Std::year:
      if (!(n = number(v, true))) {
        return bad(before, element);
      }
      year = *n >= 69 ? 1900 + *n : 2000 + *n;
      break;
    case Std::long_month:
    case Std::month:
      if (!(n = name_index(v, c->std == Std::long_month, true))) {
        return bad(before, element);
      }
      month = *n + 1;
      break;
    case Std::num_month:
    case Std::zero_month:
      if (!(n = number(v, c->std == Std::zero_month))) {
        return bad(before, element);
      }
      if (*n < 1 || *n > 12) {
        return range("month");
      }
      month = *n;
      break;
    case Std::long_weekday:
    case Std::weekday:
      if (!name_index(v, c->std == Std::long_weekday, false)) {
        return bad(before, element);
      }
      break;
    case Std::day:
    case Std::under_day:
    case Std::zero_day:
      if (c->std == Std::under_day && !v.empty() && v[0] == ' ') {
        v.remove_prefix(1);
      }
      if (!(n = number(v, c->std == Std::zero_day))) {
        return bad(before, element);
      }
      day = *n;
      break;
    case Std::under_year_day:
    case Std::zero_year_day: {
      std::size_t k = 0;
      while (c->std == Std::under_year_day && k < 2 && k < v.size() && v[k] == ' ') {
        ++k;
      }
      if (v.size() < 3 || !digit_at(v, k)) {
        return bad(before, element);
      }
      year_day = std::stoi(std::string(v.substr(k, 3 - k)));
      v.remove_prefix(3);
      break;
    }
    case Std::hour:
    case Std::hour12:
    case Std::zero_hour12:
      if (!(n = number(v, c->std == Std::zero_hour12))) {
        return bad(before, element);
      }
      if (*n > (c->std == Std::hour ? 23 : 12)) {
        return range("hour");
      }
      hour = *n;
      break;
    case Std::minute:
    case Std::zero_minute:
      if (!(n = number(v, c->std == Std::zero_minute))) {
        return bad(before, element);
      }
      if (*n > 59) {
        return range("minute");
      }
      minute = *n;
      break;
    case Std::second:
    case Std::zero_second: {
      if (!(n = number(v, c->std == Std::zero_second))) {
        return bad(before, element);
      }
      if (*n > 59) {
        return range("second");
      }
      second = *n;
      // A fractional second in the value that the layout does not spell out.
      const auto next = i < l.size() ? chunk_at(l, i) : std::nullopt;
      const bool layout_has_fraction = next && (next->std == Std::frac0 || next->std == Std::frac9);
      if (v.size() >= 2 && (v[0] == '.' || v[0] == ',') && digit_at(v, 1) && !layout_has_fraction) {
        std::size_t k = 1;
        while (digit_at(v, k)) {
          ++k;
        }
        std::string digits(v.substr(1, std::min<std::size_t>(k - 1, 9)));
        digits.resize(9, '0');
        nanos = std::stoll(digits);
        v.remove_prefix(k);
      }
      break;
    }
    case Std::pm_upper:
    case Std::pm_lower: {
      const std::string p = std::string(v.substr(0, 2));
      const bool upper = c->std == Std::pm_upper;
      if (p == (upper ? "PM" : "pm")) {
        pm = 2;
      } else if (p == (upper ? "AM" : "am")) {
        pm = 1;
      } else {
        return bad(before, element);
      }
      v.remove_prefix(2);
      break;
    }
    case Std::tz: {
      std::size_t k = 0;
      while (k < v.size() && k < 5 && v[k] >= 'A' && v[k] <= 'Z') {
        ++k;
      }
      if (k < 3) {
        return bad(before, element);
      }
      offset = 0;
      v.remove_prefix(k);
      break;
    }
    case Std::frac0:
    case Std::frac9: {
      if (c->std == Std::frac9 && (v.empty() || (v[0] != '.' && v[0] != ','))) {
        break;
      }
      std::size_t k = 1;
      while (digit_at(v, k)) {
        ++k;
      }
      if (v.empty() || (c->std == Std::frac0 && k != c->digits + 1) || k == 1) {
        return bad(before, element);
      }
      std::string digits(v.substr(1, std::min<std::size_t>(k - 1, 9)));
      digits.resize(9, '0');
      nanos = std::stoll(digits);
      v.remove_prefix(k);
      break;
    }
    default: {
      const bool iso = c->std >= Std::iso_hhmmss && c->std <= Std::iso_hh;
      if (iso && !v.empty() && v[0] == 'Z') {
        v.remove_prefix(1);
        offset = 0;
        break;
      }
      const std::string_view form = element.substr(1);
      if (v.size() < form.size() + 1 || (v[0] != '+' && v[0] != '-')) {
        return bad(before, element);
      }
      int parts[3] = {0, 0, 0};
      std::size_t part = 0;
      for (std::size_t k = 0; k < form.size(); ++k) {
        if (form[k] == ':') {
          if (v[k + 1] != ':') {
            return bad(before, element);
          }
          continue;
        }
        if (!digit_at(v, k + 1)) {
          return bad(before, element);
        }
        parts[part / 2] = parts[part / 2] * 10 + (v[k + 1] - '0');
        ++part;
      }
      const int sign = v[0] == '-' ? -1 : 1;
      offset = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
      v.remove_prefix(form.size() + 1);
    }
    }
  }
  if (!v.empty()) {
    return std::unexpected(fmt::format("parsing time {}: extra text: {}", quote(text), quote(v)));
  }
  if (pm == 2 && hour < 12) {
    hour += 12;
  } else if (pm == 1 && hour == 12) {
    hour = 0;
  }
  if (year_day >= 0 && month < 0) {
    const std::int64_t days = days_from_civil(year, 1, year_day) - days_from_civil(year, 1, 1);
    const Fields f = fields_of((days_from_civil(year, 1, 1) + days) * 86400, 0, *Zone::utc());
    month = f.month;
    day = f.day;
  }
  month = month < 0 ? 1 : month;
  day = day < 0 ? 1 : day;
  if (day < 1 || day > days_in_month(year, month)) {
    return range("day");
  }
  const std::int64_t local = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return Instant{local - offset.value_or(0), nanos};
}

std::expected<std::int64_t, std::string> parse_duration(const std::string& text)
{
  const auto invalid = [&] { return std::unexpected("time: invalid duration " + quote(text)); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return 0;
  }
  if (s.empty()) {
    return invalid();
  }
  static const std::map<std::string_view, std::uint64_t> k_units = {
      {"ns", 1},       {"us", 1000},         {"\xc2\xb5s", 1000},   {"\xce\xbcs", 1000},
      {"ms", 1000000}, {"s", 1000000000ULL}, {"m", 60000000000ULL}, {"h", 3600000000000ULL}};
  constexpr std::uint64_t k_max = 1ULL << 63;
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (s[0] != '.' && !digit_at(s, 0)) {
      return invalid();
    }
    std::uint64_t whole = 0;
    std::size_t k = 0;
    for (; digit_at(s, k); ++k) {
      if (whole > (k_max - 1) / 10) {
        return invalid();
      }
      whole = whole * 10 + static_cast<std::uint64_t>(s[k] - '0');
      if (whole > k_max) {
        return invalid();
      }
    }
    const bool pre = k > 0;
    s.remove_prefix(k);
    double fraction = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      for (k = 0; digit_at(s, k); ++k) {
        if (scale < 1e18) {
          fraction = fraction * 10 + (s[k] - '0');
          scale *= 10;
        }
      }
      post = k > 0;
      s.remove_prefix(k);
    }
    if (!pre && !post) {
      return invalid();
    }
    k = 0;
    while (k < s.size() && s[k] != '.' && !digit_at(s, k)) {
      ++k;
    }
    if (k == 0) {
      return std::unexpected("time: missing unit in duration " + quote(text));
    }
    const auto unit = k_units.find(s.substr(0, k));
    if (unit == k_units.end()) {
      return std::unexpected("time: unknown unit " + quote(s.substr(0, k)) + " in duration " + quote(text));
    }
    s.remove_prefix(k);
    if (whole > k_max / unit->second) {
      return invalid();
    }
    std::uint64_t v = whole * unit->second;
    if (fraction > 0) {
      v += static_cast<std::uint64_t>(fraction * (static_cast<double>(unit->second) / scale));
      if (v > k_max) {
        return invalid();
      }
    }
    total += v;
    if (total > k_max) {
      return invalid();
    }
  }
  if (negative) {
    return total == k_max ? INT64_MIN : -static_cast<std::int64_t>(total);
  }
  if (total > k_max - 1) {
    return invalid();
  }
  return static_cast<std::int64_t>(total);
}

} // namespace tollgate::rego::civil
