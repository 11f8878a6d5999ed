// Go's time layouts: the chunk grammar of Go's time.nextStdChunk, and formatting with it.

#include "rego/time_layout.hpp"
#include "rego/time_layout_chunks.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <map>

namespace tollgate::rego::civil {

namespace layout {

namespace {

bool lower_at(std::string_view s, std::size_t i)
{
  return i < s.size() && s[i] >= 'a' && s[i] <= 'z';
}

} // namespace

std::optional<Chunk> chunk_at(std::string_view l, std::size_t i)
{
  const auto at = [&](std::string_view word) { return l.substr(i, word.size()) == word; };
  switch (l[i]) {
  case 'J':
    if (at("January")) {
      return Chunk{Std::long_month, 7};
    }
    if (at("Jan") && !lower_at(l, i + 3)) {
      return Chunk{Std::month, 3};
    }
    break;
  case 'M':
    if (at("Monday")) {
      return Chunk{Std::long_weekday, 6};
    }
    if (at("Mon") && !lower_at(l, i + 3)) {
      return Chunk{Std::weekday, 3};
    }
    if (at("MST")) {
      return Chunk{Std::tz, 3};
    }
    break;
  case '0':
    if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
      constexpr Std k_zero[] = {Std::zero_month,  Std::zero_day,    Std::zero_hour12,
                                Std::zero_minute, Std::zero_second, Std::year};
      return Chunk{k_zero[l[i + 1] - '1'], 2};
    }
    if (at("002")) {
      return Chunk{Std::zero_year_day, 3};
    }
    break;
  case '1':
    return at("15") ? Chunk{Std::hour, 2} : Chunk{Std::num_month, 1};
  case '2':
    return at("2006") ? Chunk{Std::long_year, 4} : Chunk{Std::day, 1};
  case '_':
    if (at("_2")) {
      return Chunk{Std::under_day, 2};
    }
    if (at("__2")) {
      return Chunk{Std::under_year_day, 3};
    }
    break;
  case '3':
    return Chunk{Std::hour12, 1};
  case '4':
    return Chunk{Std::minute, 1};
  case '5':
    return Chunk{Std::second, 1};
  case 'P':
    if (at("PM")) {
      return Chunk{Std::pm_upper, 2};
    }
    break;
  case 'p':
    if (at("pm")) {
      return Chunk{Std::pm_lower, 2};
    }
    break;
  case '-':
  case 'Z': {
    const bool iso = l[i] == 'Z';
    struct Form {
      std::string_view text;
      Std iso, num;
    };
    constexpr Form k_forms[] = {{"070000", Std::iso_hhmmss, Std::num_hhmmss},
                                {"07:00:00", Std::iso_colon_hhmmss, Std::num_colon_hhmmss},
                                {"0700", Std::iso_hhmm, Std::num_hhmm},
                                {"07:00", Std::iso_colon_hhmm, Std::num_colon_hhmm},
                                {"07", Std::iso_hh, Std::num_hh}};
    for (const Form& f : k_forms) {
      if (l.substr(i + 1, f.text.size()) == f.text) {
        return Chunk{iso ? f.iso : f.num, f.text.size() + 1};
      }
    }
    break;
  }
  case '.':
  case ',':
    if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
      std::size_t j = i + 1;
      while (j < l.size() && l[j] == l[i + 1]) {
        ++j;
      }
      if (!digit_at(l, j)) {
        return Chunk{l[i + 1] == '0' ? Std::frac0 : Std::frac9, j - i, j - i - 1};
      }
    }
    break;
  default:
    break;
  }
  return std::nullopt;
}

std::string quote(std::string_view s)
{
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

} // namespace layout

namespace {

using namespace layout;

std::string zone_text(std::int32_t offset, Std std)
{
  const bool iso = std >= Std::iso_hhmmss && std <= Std::iso_hh;
  if (iso && offset == 0) {
    return "Z";
  }
  const int zone = std::abs(offset);
  std::string out = offset < 0 ? "-" : "+";
  out += fmt::format("{:02}", zone / 3600);
  const bool colon = std == Std::iso_colon_hhmm || std == Std::num_colon_hhmm || std == Std::iso_colon_hhmmss ||
                     std == Std::num_colon_hhmmss;
  if (std != Std::iso_hh && std != Std::num_hh) {
    out += fmt::format("{}{:02}", colon ? ":" : "", zone / 60 % 60);
  }
  if (std == Std::iso_hhmmss || std == Std::num_hhmmss || std == Std::iso_colon_hhmmss ||
      std == Std::num_colon_hhmmss) {
    out += fmt::format("{}{:02}", colon ? ":" : "", zone % 60);
  }
  return out;
}

} // namespace

std::string layout_named(const std::string& layout)
{
  static const std::map<std::string, std::string, std::less<>> k_named = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},          {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"}, {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},           {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},   {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", "2006-01-02T15:04:05Z07:00"},       {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
  };
  auto it = k_named.find(layout);
  return it == k_named.end() ? layout : it->second;
}

std::string format(std::int64_t seconds, std::int64_t nanos, const Zone& zone, const std::string& layout)
{
  const Fields f = fields_of(seconds, nanos, zone);
  std::string out;
  const std::string_view l = layout;
  std::size_t i = 0;
  while (i < l.size()) {
    const auto c = chunk_at(l, i);
    if (!c) {
      out += l[i++];
      continue;
    }
    i += c->length;
    const int hour12 = f.hour % 12 == 0 ? 12 : f.hour % 12;
    switch (c->std) {
    case Std::long_month:
      out += k_long_months[static_cast<std::size_t>(f.month - 1)];
      break;
    case Std::month:
      out += k_long_months[static_cast<std::size_t>(f.month - 1)].substr(0, 3);
      break;
    case Std::num_month:
      out += fmt::format("{}", f.month);
      break;
    case Std::zero_month:
      out += fmt::format("{:02}", f.month);
      break;
    case Std::long_weekday:
      out += k_long_days[static_cast<std::size_t>(f.weekday)];
      break;
    case Std::weekday:
      out += k_long_days[static_cast<std::size_t>(f.weekday)].substr(0, 3);
      break;
    case Std::day:
      out += fmt::format("{}", f.day);
      break;
    case Std::under_day:
      out += fmt::format("{:>2}", f.day);
      break;
    case Std::zero_day:
      out += fmt::format("{:02}", f.day);
      break;
    case Std::under_year_day:
      out += fmt::format("{:>3}", f.year_day);
      break;
    case Std::zero_year_day:
      out += fmt::format("{:03}", f.year_day);
      break;
    case Std::hour:
      out += fmt::format("{:02}", f.hour);
      break;
    case Std::hour12:
      out += fmt::format("{}", hour12);
      break;
    case Std::zero_hour12:
      out += fmt::format("{:02}", hour12);
      break;
    case Std::minute:
      out += fmt::format("{}", f.minute);
      break;
    case Std::zero_minute:
      out += fmt::format("{:02}", f.minute);
      break;
    case Std::second:
      out += fmt::format("{}", f.second);
      break;
    case Std::zero_second:
      out += fmt::format("{:02}", f.second);
      break;
    case Std::long_year:
      out += f.year < 0 ? fmt::format("-{:04}", -f.year) : fmt::format("{:04}", f.year);
      break;
    case Std::year:
      out += fmt::format("{:02}", ((f.year % 100) + 100) % 100);
      break;
    case Std::pm_upper:
      out += f.hour >= 12 ? "PM" : "AM";
      break;
    case Std::pm_lower:
      out += f.hour >= 12 ? "pm" : "am";
      break;
    case Std::tz:
      out += !f.abbreviation.empty() ? f.abbreviation : zone_text(f.offset, Std::num_hhmm);
      break;
    case Std::frac0:
    case Std::frac9: {
      std::string digits = fmt::format("{:09}", f.nanosecond).substr(0, c->digits);
      if (c->std == Std::frac9) {
        while (!digits.empty() && digits.back() == '0') {
          digits.pop_back();
        }
        if (digits.empty()) {
          break;
        }
      }
      out += l[i - c->length];
      out += digits;
      break;
    }
    default:
      out += zone_text(f.offset, c->std);
    }
  }
  return out;
}

} // namespace tollgate::rego::civil
