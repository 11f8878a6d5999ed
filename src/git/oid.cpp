#include "git/oid.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace tollgate::git {

bool Oid::is_hex40(std::string_view text)
{
  return text.size() == GIT_OID_HEXSZ &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

Result<Oid> Oid::parse(std::string_view hex)
{
  // One formatted message (not `"`" + std::string(hex) + ...`: g++ 12 at -O2 and above warns
  // -Wrestrict inside libstdc++'s operator+ for a literal prepended to a temporary, GCC PR 105329).
  git_oid raw{};
  if (!is_hex40(hex) || git_oid_fromstrn(&raw, hex.data(), hex.size()) != 0) {
    return fail(fmt::format("`{}` is not a 40-hex object id", hex));
  }
  return Oid(raw);
}

std::string Oid::hex() const
{
  char buffer[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buffer, sizeof buffer, &m_raw);
  return std::string(buffer, GIT_OID_HEXSZ);
}

bool Oid::is_zero() const
{
  return std::all_of(std::begin(m_raw.id), std::end(m_raw.id), [](unsigned char b) { return b == 0; });
}

} // namespace tollgate::git
