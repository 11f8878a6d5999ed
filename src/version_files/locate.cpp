#include "version_files/locate.hpp"

#include "version_files/formats.hpp"

#include <fmt/format.h>

namespace tollgate::version_files {

Position position_of(std::string_view text, std::size_t offset)
{
  Position position;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

namespace detail {

Error error_at(std::string_view text, std::size_t offset, const std::string& path, const std::string& message)
{
  const Position position = position_of(text, offset);
  return Error{fmt::format("{}:{}:{}: {}", path, position.line, position.column, message)};
}

} // namespace detail

Result<std::vector<Span>> locate(const Entry& entry, std::string_view text)
{
  Result<std::vector<Span>> spans;
  switch (entry.format) {
  case Format::pyproject:
  case Format::cargo:
    spans = detail::locate_toml(entry, text);
    break;
  case Format::package_json:
  case Format::package_lock:
    spans = detail::locate_json(entry, text);
    break;
  case Format::setup_cfg:
    spans = detail::locate_setup_cfg(entry, text);
    break;
  case Format::pattern:
    spans = detail::locate_pattern(entry, text);
    break;
  }
  if (spans && spans->empty()) {
    const std::string file =
        entry.origin.empty() ? entry.path : fmt::format("{}: version file `{}`", entry.origin, entry.path);
    return fail(fmt::format("{}: no version found (looked for {})", file, looked_for(entry.format)));
  }
  return spans;
}

} // namespace tollgate::version_files
