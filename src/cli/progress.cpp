#include "cli/progress.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::cli {

void print_lines(const std::vector<std::string>& lines)
{
  for (const auto& line : lines) {
    fmt::print("{}\n", line);
  }
  std::fflush(stdout);
}

void TextProgress::say(const std::string& line)
{
  if (!m_globals.json) {
    print_lines({line});
  }
}

void TextProgress::warn(const std::string& text)
{
  std::fprintf(stderr, "%s", text.c_str());
}

} // namespace tollgate::cli
