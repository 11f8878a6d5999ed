#pragma once
// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), as time.format and time.parse_ns use
// them, and Go's duration syntax ("1h2m3.5s").

#include "rego/time_zone.hpp"

#include <cstdint>
#include <expected>
#include <string>

namespace tollgate::rego::civil {

// `layout` itself, or Go's constant when it names one ("RFC3339", "ANSIC", ...).
std::string layout_named(const std::string& layout);

// Unix time `seconds` + `nanos` in `zone`, written with Go layout `layout`.
std::string format(std::int64_t seconds, std::int64_t nanos, const Zone& zone, const std::string& layout);

struct Instant {
  std::int64_t seconds = 0;
  std::int64_t nanos = 0; // 0..999999999
};
// `value` read with Go layout `layout` (time.Parse, zone UTC unless the value gives an offset); the
// error as Go's time.Parse words it.
std::expected<Instant, std::string> parse(const std::string& layout, const std::string& value);

// Go's time.ParseDuration, in nanoseconds.
std::expected<std::int64_t, std::string> parse_duration(const std::string& text);

} // namespace tollgate::rego::civil
