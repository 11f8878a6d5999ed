#pragma once
// Terminal facts and styling. `--color=always|never` decides; otherwise (auto) colour is off when
// NO_COLOR is set (non-empty), on when FORCE_COLOR is (non-empty, not `0`), off when TERM is dumb or
// the stream is not a terminal.

#include <string>
#include <string_view>

namespace tollgate::util {

bool is_terminal(int fd);

struct Style {
  bool color = false;
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string bold(std::string_view s) const { return wrap("1", s); }

private:
  std::string wrap(std::string_view code, std::string_view s) const;
};

enum class ColorMode { automatic, always, never };

// Whether output to `fd` may use colour, given `--color` (see above). Live redraws also need
// is_terminal(fd).
bool color_allowed(int fd, ColorMode mode);

// True when running under GitHub Actions (GITHUB_ACTIONS=true).
bool github_actions();

// Formats seconds as "0.4s", "12.3s", "4m05s".
std::string format_seconds(double seconds);

} // namespace tollgate::util
