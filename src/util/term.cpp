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

bool color_allowed(int fd, ColorMode mode)
{
  if (mode != ColorMode::automatic) {
    return mode == ColorMode::always;
  }
  const auto set = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0';
  };
  if (set("NO_COLOR")) {
    return false;
  }
  if (set("FORCE_COLOR")) {
    return std::string_view(std::getenv("FORCE_COLOR")) != "0";
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
