#pragma once
// The chunk grammar of Go's time layouts (time.nextStdChunk), shared by formatting and parsing.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::rego::civil::layout {

enum class Std {
  long_month,
  month,
  num_month,
  zero_month,
  long_weekday,
  weekday,
  day,
  under_day,
  zero_day,
  under_year_day,
  zero_year_day,
  hour,
  hour12,
  zero_hour12,
  minute,
  zero_minute,
  second,
  zero_second,
  long_year,
  year,
  pm_upper,
  pm_lower,
  tz,
  iso_hhmmss, // Z070000
  iso_colon_hhmmss,
  iso_hhmm,
  iso_colon_hhmm,
  iso_hh,
  num_hhmmss, // -070000
  num_colon_hhmmss,
  num_hhmm,
  num_colon_hhmm,
  num_hh,
  frac0,
  frac9,
};

struct Chunk {
  Std std;
  std::size_t length;
  std::size_t digits = 0; // fractional seconds
};

inline constexpr std::array<std::string_view, 12> k_long_months = {"January",   "February", "March",    "April",
                                                                   "May",       "June",     "July",     "August",
                                                                   "September", "October",  "November", "December"};
inline constexpr std::array<std::string_view, 7> k_long_days = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                                "Thursday", "Friday", "Saturday"};

inline bool digit_at(std::string_view s, std::size_t i)
{
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

// The standard chunk starting at `i` of `layout`, if any.
std::optional<Chunk> chunk_at(std::string_view layout, std::size_t i);

// Go's strconv.Quote for the ASCII texts of error messages.
std::string quote(std::string_view s);

} // namespace tollgate::rego::civil::layout
