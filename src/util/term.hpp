#pragma once
// Terminal facts and styling. Colour is off when NO_COLOR is set, TERM is dumb, `--no-color`
// was given, or the stream is not a terminal.

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

// Whether output to `fd` may use colour and live redraws, given `--no-color`.
bool color_allowed(int fd, bool no_color_flag);

// True when running under GitHub Actions (GITHUB_ACTIONS=true).
bool github_actions();

// Formats seconds as "0.4s", "12.3s", "4m05s".
std::string format_seconds(double seconds);

} // namespace tollgate::util
