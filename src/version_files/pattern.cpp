// `{path, pattern}` entries: an RE2 expression (`^` and `$` match at line ends) matching exactly
// once, its one capture group the version.

#include "version_files/formats.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

namespace tollgate::version_files::detail {

Result<std::vector<Span>> locate_pattern(const Entry& entry, std::string_view text)
{
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 re("(?m)" + entry.pattern, options);
  if (!re.ok() || re.NumberOfCapturingGroups() != 1) {
    return fail(fmt::format("{}: version file `{}`: the pattern is not one RE2 expression with one capture group",
                            entry.origin, entry.path));
  }
  std::vector<Span> spans;
  std::size_t pos = 0;
  re2::StringPiece match[2];
  const re2::StringPiece input(text.data(), text.size());
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, match, 2)) {
    const auto whole = static_cast<std::size_t>(match[0].data() - text.data());
    pos = whole + std::max<std::size_t>(match[0].size(), 1);
    if (match[1].data() == nullptr) {
      continue; // the group took no part in this match
    }
    const auto offset = static_cast<std::size_t>(match[1].data() - text.data());
    const std::string_view version = text.substr(offset, match[1].size());
    if (!spans.empty()) {
      const Position first = position_of(text, spans.front().offset);
      return std::unexpected(error_at(text, offset, entry.path,
                                      fmt::format("the pattern matches a second time (the first at line {}, column "
                                                  "{}): make it match only the version",
                                                  first.line, first.column)));
    }
    if (version.empty() || version.find_first_of("\r\n") != std::string_view::npos) {
      return std::unexpected(error_at(text, offset, entry.path,
                                      version.empty() ? "the pattern's capture group matches an empty version"
                                                      : "the pattern's capture group spans lines"));
    }
    spans.push_back(Span{offset, version.size(), fmt::format("line {}", position_of(text, offset).line)});
  }
  return spans;
}

} // namespace tollgate::version_files::detail
