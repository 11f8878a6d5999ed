// time.* built-ins (OPA v1 semantics): nanoseconds since the Unix epoch, optionally paired with an
// IANA zone name (and for time.format a Go layout); zones come from the system tzdata.

#include "rego/builtins.hpp"
#include "rego/time_layout.hpp"
#include "rego/time_zone.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;
using builtin::type_error;

constexpr std::int64_t k_ns = 1000000000;
__extension__ typedef __int128 Int128;

struct ZonedTime {
  std::int64_t seconds = 0;
  std::int64_t nanos = 0;
  std::shared_ptr<const civil::Zone> zone;
  std::string layout;
};

// OPA's tzTime: a number of nanoseconds, or [ns, zone] / [ns, zone, layout].
ZonedTime zoned(std::string_view name, const Value& arg)
{
  constexpr std::string_view k_expected = "either number (ns) or [number (ns), string (tz)]";
  ZonedTime t;
  t.zone = civil::Zone::utc();
  Value ns = arg;
  if (arg.is_array()) {
    const Array& items = arg.as_array();
    if (items.empty()) {
      type_error(name, 1, k_expected, arg);
    }
    ns = items[0];
    if (!ns.is_number()) {
      type_error(name, 1, "number", ns);
    }
    if (items.size() > 1) {
      if (!items[1].is_string()) {
        type_error(name, 1, "string", items[1]);
      }
      std::string message;
      t.zone = civil::Zone::load(items[1].as_string(), message);
      if (!t.zone) {
        error(name, message);
      }
    }
    if (items.size() > 2) {
      if (!items[2].is_string()) {
        type_error(name, 1, "string", items[2]);
      }
      t.layout = items[2].as_string();
    }
  } else if (!arg.is_number()) {
    type_error(name, 1, k_expected, arg);
  }
  if (!ns.is_int()) {
    error(name, "timestamp too big");
  }
  const std::int64_t i = ns.as_int();
  t.seconds = i / k_ns - (i % k_ns < 0 ? 1 : 0);
  t.nanos = i - t.seconds * k_ns;
  return t;
}

civil::Fields fields(std::string_view name, const Value& arg)
{
  const ZonedTime t = zoned(name, arg);
  return civil::fields_of(t.seconds, t.nanos, *t.zone);
}

// Nanoseconds of `seconds` + `nanos`, or OPA's range error.
Value safe_nanos(std::string_view name, std::int64_t seconds, std::int64_t nanos)
{
  const Int128 total = static_cast<Int128>(seconds) * k_ns + nanos;
  if (total < INT64_MIN || total > INT64_MAX) {
    error(name, "time outside of valid range");
  }
  return Value::integer(static_cast<std::int64_t>(total));
}

Value parse_rfc3339_ns(std::span<const Value> a, BuiltinContext&)
{
  const auto t = civil::parse(civil::layout_named("RFC3339"), str("time.parse_rfc3339_ns", a, 0));
  if (!t) {
    error("time.parse_rfc3339_ns", t.error());
  }
  return safe_nanos("time.parse_rfc3339_ns", t->seconds, t->nanos);
}

Value parse_ns(std::span<const Value> a, BuiltinContext&)
{
  const std::string& layout = str("time.parse_ns", a, 0);
  const auto t = civil::parse(civil::layout_named(layout), str("time.parse_ns", a, 1));
  if (!t) {
    error("time.parse_ns", t.error());
  }
  return safe_nanos("time.parse_ns", t->seconds, t->nanos);
}

Value parse_duration_ns(std::span<const Value> a, BuiltinContext&)
{
  const auto d = civil::parse_duration(str("time.parse_duration_ns", a, 0));
  if (!d) {
    error("time.parse_duration_ns", d.error());
  }
  return Value::integer(*d);
}

Value format(std::span<const Value> a, BuiltinContext&)
{
  const ZonedTime t = zoned("time.format", a[0]);
  const std::string layout = t.layout.empty() ? civil::layout_named("RFC3339Nano") : civil::layout_named(t.layout);
  return Value::string(civil::format(t.seconds, t.nanos, *t.zone, layout));
}

Value date(std::span<const Value> a, BuiltinContext&)
{
  const civil::Fields f = fields("time.date", a[0]);
  return Value::array({Value::integer(f.year), Value::integer(f.month), Value::integer(f.day)});
}

Value clock(std::span<const Value> a, BuiltinContext&)
{
  const civil::Fields f = fields("time.clock", a[0]);
  return Value::array({Value::integer(f.hour), Value::integer(f.minute), Value::integer(f.second)});
}

Value weekday(std::span<const Value> a, BuiltinContext&)
{
  static constexpr std::string_view k_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                "Thursday", "Friday", "Saturday"};
  const civil::Fields f = fields("time.weekday", a[0]);
  return Value::string(std::string(k_days[f.weekday]));
}

Value add_date(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "time.add_date";
  const ZonedTime t = zoned(k_name, a[0]);
  const std::int64_t years = builtin::integer(k_name, a, 1);
  const std::int64_t months = builtin::integer(k_name, a, 2);
  const std::int64_t days = builtin::integer(k_name, a, 3);
  if (std::abs(years) > 1000000 || std::abs(months) > 12000000 || std::abs(days) > 400000000) {
    error(k_name, "time outside of valid range");
  }
  const civil::Fields f = civil::fields_of(t.seconds, t.nanos, *t.zone);
  const std::int64_t day_number = civil::days_from_civil(f.year + years, f.month + months, f.day + days);
  const std::int64_t local = day_number * 86400 + f.hour * 3600 + f.minute * 60 + f.second;
  return safe_nanos(k_name, civil::unix_of_local(local, *t.zone), t.nanos);
}

Value diff(std::span<const Value> a, BuiltinContext&)
{
  ZonedTime t1 = zoned("time.diff", a[0]);
  ZonedTime t2 = zoned("time.diff", a[1]);
  t2.zone = t1.zone;
  if (std::pair(t1.seconds, t1.nanos) > std::pair(t2.seconds, t2.nanos)) {
    std::swap(t1, t2);
  }
  const civil::Fields f1 = civil::fields_of(t1.seconds, t1.nanos, *t1.zone);
  const civil::Fields f2 = civil::fields_of(t2.seconds, t2.nanos, *t2.zone);
  std::int64_t year = f2.year - f1.year;
  int month = f2.month - f1.month;
  int day = f2.day - f1.day;
  int hour = f2.hour - f1.hour;
  int minute = f2.minute - f1.minute;
  int second = f2.second - f1.second;
  if (second < 0) {
    second += 60;
    --minute;
  }
  if (minute < 0) {
    minute += 60;
    --hour;
  }
  if (hour < 0) {
    hour += 24;
    --day;
  }
  if (day < 0) {
    day += civil::days_in_month(f1.year, f1.month);
    --month;
  }
  if (month < 0) {
    month += 12;
    --year;
  }
  return Value::array({Value::integer(year), Value::integer(month), Value::integer(day), Value::integer(hour),
                       Value::integer(minute), Value::integer(second)});
}

Value sleep(std::span<const Value> a, BuiltinContext&)
{
  const auto d = civil::parse_duration(str("test.sleep", a, 0));
  if (!d) {
    error("test.sleep", d.error());
  }
  if (*d > 0) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::int64_t>(*d, 10 * k_ns)));
  }
  return Value::null();
}

constexpr Builtin k_time[] = {
    {"time.parse_rfc3339_ns", 1, &parse_rfc3339_ns},
    {"time.parse_ns", 2, &parse_ns},
    {"time.parse_duration_ns", 1, &parse_duration_ns},
    {"time.format", 1, &format},
    {"time.date", 1, &date},
    {"time.clock", 1, &clock},
    {"time.weekday", 1, &weekday},
    {"time.add_date", 4, &add_date},
    {"time.diff", 2, &diff},
    {"test.sleep", 1, &sleep},
};

} // namespace

std::span<const Builtin> builtin::time_builtins()
{
  return k_time;
}

} // namespace tollgate::rego
