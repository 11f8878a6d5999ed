// TZif reading (RFC 8536, version 2+ data: 64-bit transition times) and civil-date arithmetic.

#include "rego/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

namespace tollgate::rego::civil {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b)
{
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

class Reader {
public:
  explicit Reader(const std::string& bytes) : m_bytes(bytes) {}
  bool has(std::size_t n) const { return m_at + n <= m_bytes.size(); }
  std::int64_t be(std::size_t n)
  {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      v = (v << 8) | static_cast<unsigned char>(m_bytes[m_at + i]);
    }
    m_at += n;
    if (n == 4) {
      return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    }
    return static_cast<std::int64_t>(v);
  }
  std::uint8_t byte() { return static_cast<std::uint8_t>(m_bytes[m_at++]); }
  void skip(std::size_t n) { m_at += n; }
  std::string text(std::size_t n)
  {
    std::string s = m_bytes.substr(m_at, n);
    m_at += n;
    return s;
  }

private:
  const std::string& m_bytes;
  std::size_t m_at = 0;
};

struct Counts {
  std::size_t isut, isstd, leap, time, type, chars;
};

std::optional<Counts> header(Reader& r)
{
  if (!r.has(44) || r.text(4) != "TZif") {
    return std::nullopt;
  }
  r.skip(16);
  Counts c{};
  for (std::size_t* field : {&c.isut, &c.isstd, &c.leap, &c.time, &c.type, &c.chars}) {
    *field = static_cast<std::size_t>(r.be(4));
  }
  return c;
}

std::string zoneinfo_dir()
{
  const char* dir = std::getenv("ZONEINFO");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

} // namespace

std::shared_ptr<const Zone> Zone::utc()
{
  static const auto k_utc = std::make_shared<const Zone>();
  return k_utc;
}

std::shared_ptr<const Zone> Zone::load(const std::string& name, std::string& error)
{
  if (name.empty() || name == "UTC") {
    return utc();
  }
  std::string path;
  if (name == "Local") {
    const char* tz = std::getenv("TZ");
    if (tz == nullptr) {
      path = "/etc/localtime";
    } else if (*tz == '\0' || std::string_view(tz) == "UTC") {
      return utc();
    } else {
      path = *tz == '/' ? std::string(tz) : zoneinfo_dir() + "/" + (*tz == ':' ? tz + 1 : tz);
    }
  } else {
    if (name.find("..") != std::string::npos || name.front() == '/' || name.front() == '\\') {
      error = "time: invalid location name";
      return nullptr;
    }
    path = zoneinfo_dir() + "/" + name;
  }
  static std::mutex k_mutex;
  static std::map<std::string, std::shared_ptr<const Zone>> k_cache;
  const std::lock_guard lock(k_mutex);
  if (auto it = k_cache.find(path); it != k_cache.end()) {
    return it->second;
  }
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Reader r(bytes);
  auto v1 = header(r);
  if (!in.good() && bytes.empty()) {
    v1.reset();
  }
  if (!v1) {
    if (name == "Local") {
      return utc();
    }
    error = "unknown time zone " + name;
    return nullptr;
  }
  // Skip the version 1 data block; the version 2 block after it has 64-bit times.
  r.skip(v1->time * 5 + v1->type * 6 + v1->chars + v1->leap * 8 + v1->isstd + v1->isut);
  auto c = header(r);
  if (!c || !r.has(c->time * 9 + c->type * 6 + c->chars)) {
    error = "unknown time zone " + name;
    return nullptr;
  }
  auto zone = std::make_shared<Zone>();
  for (std::size_t i = 0; i < c->time; ++i) {
    zone->m_transitions.push_back(r.be(8));
  }
  for (std::size_t i = 0; i < c->time; ++i) {
    zone->m_period_index.push_back(r.byte());
  }
  struct Raw {
    std::int32_t offset;
    bool dst;
    std::size_t abbreviation;
  };
  std::vector<Raw> raw;
  for (std::size_t i = 0; i < c->type; ++i) {
    const auto offset = static_cast<std::int32_t>(r.be(4));
    const bool dst = r.byte() != 0;
    raw.push_back({offset, dst, r.byte()});
  }
  const std::string chars = r.text(c->chars);
  zone->m_periods.clear();
  for (const Raw& t : raw) {
    const std::size_t end = chars.find('\0', t.abbreviation);
    zone->m_periods.push_back(
        {t.offset, t.abbreviation < chars.size() ? chars.substr(t.abbreviation, end - t.abbreviation) : ""});
  }
  if (zone->m_periods.empty()) {
    zone->m_periods.push_back(Period{});
  }
  for (auto& index : zone->m_period_index) {
    index = index < zone->m_periods.size() ? index : 0;
  }
  // Before the first transition: the first standard-time period, as Go's time package chooses.
  std::size_t first = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (!raw[i].dst) {
      first = i;
      break;
    }
  }
  zone->m_before_first = first;
  k_cache.emplace(path, zone);
  return zone;
}

const Zone::Period& Zone::at(std::int64_t unix) const
{
  if (m_transitions.empty() || unix < m_transitions.front()) {
    return m_periods[m_before_first.value_or(0)];
  }
  const auto it = std::upper_bound(m_transitions.begin(), m_transitions.end(), unix);
  return m_periods[m_period_index[static_cast<std::size_t>(it - m_transitions.begin() - 1)]];
}

std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day)
{
  // Normalise the month into 1..12, then count days (H. Hinnant's algorithm) and add `day` - 1.
  year += floor_div(month - 1, 12);
  month = month - 1 - floor_div(month - 1, 12) * 12 + 1;
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(year, 400);
  const std::int64_t yoe = year - era * 400;
  const std::int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (day - 1);
}

int days_in_month(std::int64_t year, int month)
{
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[month - 1];
}

Fields fields_of(std::int64_t seconds, std::int64_t nanos, const Zone& zone)
{
  const Zone::Period& period = zone.at(seconds);
  Fields f;
  f.offset = period.offset;
  f.abbreviation = period.abbreviation;
  f.nanosecond = nanos;
  const std::int64_t local = seconds + period.offset;
  const std::int64_t days = floor_div(local, 86400);
  const std::int64_t rest = local - days * 86400;
  f.hour = static_cast<int>(rest / 3600);
  f.minute = static_cast<int>(rest % 3600 / 60);
  f.second = static_cast<int>(rest % 60);
  f.weekday = static_cast<int>(((days % 7) + 11) % 7); // 1970-01-01 was a Thursday
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  f.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  f.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  f.year = yoe + era * 400 + (f.month <= 2 ? 1 : 0);
  f.year_day = static_cast<int>(days - days_from_civil(f.year, 1, 1) + 1);
  return f;
}

std::int64_t unix_of_local(std::int64_t local, const Zone& zone)
{
  const std::int32_t guess = zone.at(local).offset;
  std::int64_t unix = local - guess;
  const std::int32_t actual = zone.at(unix).offset;
  if (actual != guess) {
    unix = local - actual;
  }
  return unix;
}

} // namespace tollgate::rego::civil
