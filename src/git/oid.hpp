#pragma once
// A git object id (SHA-1) as a value type.

#include "git/libgit2.hpp"
#include "util/expected.hpp"

#include <compare>
#include <cstring>
#include <string>
#include <string_view>

namespace tollgate::git {

class Oid {
public:
  Oid() = default;
  explicit Oid(const git_oid& raw) : m_raw(raw) {}

  // Exactly 40 hex digits (either case).
  static Result<Oid> parse(std::string_view hex);
  static bool is_hex40(std::string_view text);

  const git_oid& raw() const { return m_raw; }
  const git_oid* ptr() const { return &m_raw; }
  std::string hex() const;
  std::string short_hex(std::size_t length = 7) const { return hex().substr(0, length); }
  bool is_zero() const;

  friend bool operator==(const Oid& a, const Oid& b) { return std::memcmp(a.m_raw.id, b.m_raw.id, GIT_OID_RAWSZ) == 0; }
  friend std::strong_ordering operator<=>(const Oid& a, const Oid& b)
  {
    return std::memcmp(a.m_raw.id, b.m_raw.id, GIT_OID_RAWSZ) <=> 0;
  }

private:
  git_oid m_raw{};
};

} // namespace tollgate::git
