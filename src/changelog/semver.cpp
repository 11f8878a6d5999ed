#include "changelog/semver.hpp"

#include <algorithm>
#include <charconv>

namespace tollgate::changelog {

namespace {

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

bool is_identifier_char(char c)
{
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool all_digits(std::string_view text)
{
  return std::all_of(text.begin(), text.end(), is_digit);
}

// A numeric identifier: digits, no leading zero, fits 64 bits.
std::optional<std::uint64_t> parse_number(std::string_view text)
{
  if (text.empty() || !all_digits(text) || (text.size() > 1 && text.front() == '0')) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// Splits `text` on '.' into non-empty identifiers of [0-9A-Za-z-]; nullopt when one is empty or bad.
std::optional<std::vector<std::string>> split_identifiers(std::string_view text)
{
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty() || !std::all_of(part.begin(), part.end(), is_identifier_char)) {
      return std::nullopt;
    }
    parts.emplace_back(part);
    if (dot == std::string_view::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

std::strong_ordering compare_identifier(const std::string& a, const std::string& b)
{
  const bool a_numeric = all_digits(a);
  const bool b_numeric = all_digits(b);
  if (a_numeric && b_numeric) {
    // Numeric identifiers have no leading zeros: the longer is the larger.
    if (a.size() != b.size()) {
      return a.size() <=> b.size();
    }
    return a.compare(b) <=> 0;
  }
  if (a_numeric != b_numeric) {
    return a_numeric ? std::strong_ordering::less : std::strong_ordering::greater; // numeric < alphanumeric
  }
  return a.compare(b) <=> 0; // ASCII order
}

} // namespace

std::string_view to_string(Bump bump)
{
  switch (bump) {
  case Bump::none:
    return "none";
  case Bump::patch:
    return "patch";
  case Bump::minor:
    return "minor";
  case Bump::major:
    return "major";
  }
  return "none";
}

std::string Version::str() const
{
  std::string text = std::to_string(major) + '.' + std::to_string(minor) + '.' + std::to_string(patch);
  for (std::size_t i = 0; i < prerelease.size(); ++i) {
    text += i == 0 ? '-' : '.';
    text += prerelease[i];
  }
  if (!build.empty()) {
    text += '+';
    text += build;
  }
  return text;
}

std::optional<Version> parse_version(std::string_view text)
{
  Version version;
  if (const std::size_t plus = text.find('+'); plus != std::string_view::npos) {
    const std::string_view build = text.substr(plus + 1);
    if (!split_identifiers(build)) {
      return std::nullopt;
    }
    version.build = std::string(build);
    text = text.substr(0, plus);
  }
  if (const std::size_t dash = text.find('-'); dash != std::string_view::npos) {
    auto identifiers = split_identifiers(text.substr(dash + 1));
    if (!identifiers) {
      return std::nullopt;
    }
    for (const auto& identifier : *identifiers) {
      if (all_digits(identifier) && !parse_number(identifier)) {
        return std::nullopt; // a numeric identifier with a leading zero
      }
    }
    version.prerelease = std::move(*identifiers);
    text = text.substr(0, dash);
  }
  std::uint64_t* const fields[] = {&version.major, &version.minor, &version.patch};
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t dot = text.find('.');
    if ((i < 2) == (dot == std::string_view::npos)) {
      return std::nullopt;
    }
    const auto number = parse_number(text.substr(0, dot));
    if (!number) {
      return std::nullopt;
    }
    *fields[i] = *number;
    text = i < 2 ? text.substr(dot + 1) : std::string_view();
  }
  return version;
}

std::strong_ordering compare(const Version& a, const Version& b)
{
  if (auto order = a.major <=> b.major; order != 0) {
    return order;
  }
  if (auto order = a.minor <=> b.minor; order != 0) {
    return order;
  }
  if (auto order = a.patch <=> b.patch; order != 0) {
    return order;
  }
  // A version without a prerelease outranks any prerelease of the same core.
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() && b.prerelease.empty()) {
      return std::strong_ordering::equal;
    }
    return a.prerelease.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  const std::size_t common = std::min(a.prerelease.size(), b.prerelease.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (auto order = compare_identifier(a.prerelease[i], b.prerelease[i]); order != 0) {
      return order;
    }
  }
  return a.prerelease.size() <=> b.prerelease.size(); // more identifiers rank higher
}

Version bumped(const Version& version, Bump bump)
{
  Version next = version.core();
  switch (bump) {
  case Bump::major:
    next = Version{version.major + 1, 0, 0, {}, {}};
    break;
  case Bump::minor:
    next = Version{version.major, version.minor + 1, 0, {}, {}};
    break;
  case Bump::patch:
    next = Version{version.major, version.minor, version.patch + 1, {}, {}};
    break;
  case Bump::none:
    break;
  }
  return next;
}

} // namespace tollgate::changelog
