#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::util {

// Edit distance: insert, delete, substitute and swap of adjacent characters each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible typo.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

// ", did you mean `x`?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

std::string_view trim(std::string_view s);
std::vector<std::string> split_lines(std::string_view text);
// The same lines as views into `text` (no copies: for hot paths over many texts).
std::vector<std::string_view> split_line_views(std::string_view text);

// Splits a command line into words the way a POSIX shell would for simple commands
// (quotes and backslashes); returns nullopt when it needs a real shell
// (pipes, redirections, variables, globs, `;`, `&&` ...).
std::optional<std::vector<std::string>> split_simple_command(std::string_view line);

// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD, so tool output in
// other encodings cannot break JSON or XML reports.
std::string sanitize_utf8(std::string_view text);

// ASCII lower case (host names, identifiers); other bytes are kept.
std::string to_lower(std::string_view text);

// `text` fit for a one-line message: control characters as \n, \t, \xNN; invalid UTF-8 replaced.
std::string printable(std::string_view text);

// At most `width` bytes of `text`, never cutting a UTF-8 character in two; "..." marks a cut.
std::string shorten_utf8(std::string_view text, std::size_t width);

// The last `n` lines of `text`.
std::string tail_lines(std::string_view text, std::size_t n);

} // namespace tollgate::util
