#include "util/term.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <unistd.h>

namespace tollgate::util {

bool is_terminal(int fd)
{
  return ::isatty(fd) == 1;
}

std::string Style::wrap(std::string_view code, std::string_view s) const
{
  if (!color) {
    return std::string(s);
  }
  return fmt::format("\x1b[{}m{}\x1b[0m", code, s);
}

bool color_allowed(int fd, bool no_color_flag)
{
  if (no_color_flag) {
    return false;
  }
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') {
    return false;
  }
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") {
    return false;
  }
  return is_terminal(fd);
}

bool github_actions()
{
  const char* value = std::getenv("GITHUB_ACTIONS");
  return value != nullptr && std::string_view(value) == "true";
}

std::string format_seconds(double seconds)
{
  if (seconds < 60) {
    return fmt::format("{:.1f}s", seconds);
  }
  const auto total = static_cast<long>(seconds);
  return fmt::format("{}m{:02d}s", total / 60, total % 60);
}

} // namespace tollgate::util
