#pragma once
// Civil time for the time.* built-ins: IANA zones read from the system's tzdata (TZif files under
// /usr/share/zoneinfo, or $ZONEINFO), and conversions between Unix nanoseconds and calendar fields
// with Go's normalisation rules (month 13 is January of the next year, day 0 the last of the previous
// month).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::rego::civil {

// A zone's offsets over time. UTC when default-constructed.
class Zone {
public:
  struct Period {
    std::int32_t offset = 0; // seconds east of UTC
    std::string abbreviation = "UTC";
  };
  // The zone named `name` ("", "UTC", "Local" or an IANA name); an error message (as Go's
  // time.LoadLocation words it) when it cannot be loaded.
  static std::shared_ptr<const Zone> load(const std::string& name, std::string& error);
  static std::shared_ptr<const Zone> utc();

  // The period in force at Unix second `unix`.
  const Period& at(std::int64_t unix) const;

private:
  std::vector<std::int64_t> m_transitions;   // Unix seconds, ascending
  std::vector<std::uint8_t> m_period_index;  // period in force from each transition
  std::vector<Period> m_periods{Period{}};   // m_periods[0]: before the first transition
  std::optional<std::size_t> m_before_first; // period before the first transition
};

struct Fields {
  std::int64_t year = 1970;
  int month = 1; // 1..12
  int day = 1;   // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t nanosecond = 0;
  int weekday = 4; // 0 Sunday
  int year_day = 1;
  std::int32_t offset = 0;
  std::string abbreviation = "UTC";
};

// Days since 1970-01-01 of a proleptic Gregorian date (any month/day, normalised as Go does).
std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day);
// The calendar fields of Unix time `seconds` + `nanos` in `zone`.
Fields fields_of(std::int64_t seconds, std::int64_t nanos, const Zone& zone);
// Unix seconds of wall-clock `local` seconds (local time counted as if UTC) in `zone`.
std::int64_t unix_of_local(std::int64_t local, const Zone& zone);
int days_in_month(std::int64_t year, int month);

} // namespace tollgate::rego::civil
