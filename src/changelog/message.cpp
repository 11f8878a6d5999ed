#include "changelog/message.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <span>

namespace tollgate::changelog {

namespace {

bool is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_alnum(char c)
{
  return is_alpha(c) || (c >= '0' && c <= '9');
}

bool is_hex(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

using util::trim;

std::string collapse_whitespace(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char c : trim(text)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += c;
  }
  return out;
}

// The lines of `text` without their '\n' (and a trailing '\r'), ending with an empty line when the
// text ends with a newline (or is empty): the parser sees where the message ends.
std::vector<std::string_view> lines_of(std::string_view text)
{
  std::vector<std::string_view> lines = util::split_line_views(text);
  if (text.empty() || text.back() == '\n') {
    lines.emplace_back();
  }
  return lines;
}

bool blank(std::string_view line)
{
  return trim(line).empty();
}

// A footer's first line: `Token: value` or `Token #value` (git trailer), where Token is a word of
// letters, digits and '-' or exactly `BREAKING CHANGE`. Sets `token` and `value`.
bool footer_start(std::string_view line, std::string_view& token, std::string_view& value)
{
  std::size_t length = 0;
  if (line.starts_with("BREAKING CHANGE")) {
    length = 15;
  } else {
    while (length < line.size() && (is_alnum(line[length]) || line[length] == '-')) {
      ++length;
    }
    if (length == 0) {
      return false;
    }
  }
  const std::string_view rest = line.substr(length);
  if (rest.starts_with(": ") || rest.starts_with(" #")) {
    token = line.substr(0, length);
    value = rest.substr(2);
    return true;
  }
  if (rest == ":") { // `Token:` with its value on the following lines
    token = line.substr(0, length);
    value = {};
    return true;
  }
  return false;
}

bool is_breaking_token(std::string_view token)
{
  return token == "BREAKING CHANGE" || token == "BREAKING-CHANGE";
}

// The text after `BREAKING CHANGE: ` (or `BREAKING-CHANGE: `) at the start of a body line, a
// leading `* ` allowed (GitHub's squash bodies list the branch's messages so); nullopt otherwise.
std::optional<std::string_view> body_note_start(std::string_view line)
{
  while (line.starts_with(' ')) {
    line.remove_prefix(1);
  }
  if (line.starts_with("* ")) {
    line.remove_prefix(2);
  }
  std::string_view token;
  std::string_view value;
  if (!footer_start(line, token, value) || !is_breaking_token(token) || line[token.size()] != ':') {
    return std::nullopt;
  }
  return value;
}

// BREAKING CHANGE notes inside the body (semantic-release, release-please and commitizen read a
// line anywhere after the header): each runs to the end of its paragraph or the next note.
template <class AddNote> void body_breaking_notes(std::span<const std::string_view> body, AddNote add_note)
{
  for (std::size_t i = 0; i < body.size(); ++i) {
    const auto first = body_note_start(body[i]);
    if (!first) {
      continue;
    }
    std::string note(*first);
    while (i + 1 < body.size() && !blank(body[i + 1]) && !body_note_start(body[i + 1])) {
      note += '\n';
      note += body[++i];
    }
    add_note(note);
  }
}

// The first hex word (7 to 40 digits) of `text`.
std::string first_hex_word(std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_hex(text[i])) {
      ++i;
    }
    std::size_t end = i;
    while (end < text.size() && is_hex(text[end])) {
      ++end;
    }
    const bool bounded = (i == 0 || !is_alnum(text[i - 1])) && (end == text.size() || !is_alnum(text[end]));
    if (bounded && end - i >= 7 && end - i <= 40) {
      return util::to_lower(text.substr(i, end - i));
    }
    i = end;
  }
  return {};
}

// A forge's pull-request suffix at the end of a title: ` (#123)`; "" when there is none.
std::string_view pr_suffix(std::string_view header)
{
  if (!header.ends_with(")")) {
    return {};
  }
  const std::size_t open = header.rfind(" (#");
  if (open == std::string_view::npos || open + 4 >= header.size()) {
    return {};
  }
  const std::string_view digits = header.substr(open + 3, header.size() - open - 4);
  const bool numeric = std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  return numeric ? header.substr(open) : std::string_view();
}

// What `Revert "..."` / `Reapply "..."` wrappers a header holds.
struct Unwrapped {
  int depth = 0;            // revert levels: `Revert "` counts 1, git's `Reapply "` 2 (a revert of a revert)
  std::string_view inner;   // the innermost header
  std::string_view suffix;  // the outermost level's ` (#N)`
  std::string one_level_in; // the header the outermost level reverts (`Reapply "x"` reverts `Revert "x"`)
};

// Unwraps `Revert "<inner>"` and `Reapply "<inner>"` (git 2.43+ titles the revert of `Revert "x"` so;
// each level may carry a ` (#N)` suffix) as often as they are nested.
Unwrapped unwrap_reverts(std::string_view header)
{
  Unwrapped out;
  out.inner = header;
  while (true) {
    const std::string_view own_suffix = pr_suffix(out.inner);
    const std::string_view wrapped = out.inner.substr(0, out.inner.size() - own_suffix.size());
    const int levels = wrapped.starts_with("Revert \"") ? 1 : wrapped.starts_with("Reapply \"") ? 2 : 0;
    const std::size_t open = levels == 2 ? 9 : 8;
    if (levels == 0 || wrapped.size() <= open + 1 || wrapped.back() != '"') {
      return out;
    }
    out.inner = wrapped.substr(open, wrapped.size() - open - 1);
    if (out.depth == 0) {
      out.suffix = own_suffix;
      out.one_level_in = levels == 2 ? "Revert \"" + std::string(out.inner) + "\"" : std::string(out.inner);
    }
    out.depth += levels;
  }
}

void classify_header(std::string_view header, Message& out)
{
  if (parse_header(header, out)) {
    return;
  }
  out.description = std::string(header);
  const Unwrapped reverts = unwrap_reverts(header);
  const int depth = reverts.depth;
  if (depth % 2 == 0 && depth > 0 && parse_header(reverts.inner, out)) {
    // The revert of a revert (`Reapply "..."`): the change is back, as the innermost header says.
    out.description += reverts.suffix;
    out.revert_depth = static_cast<std::uint8_t>(std::min(depth, 255));
    return;
  }
  if (depth > 0) {
    out.kind = MessageKind::revert;
    out.type = "revert";
    out.description =
        (depth % 2 == 0 ? reverts.one_level_in : std::string(reverts.inner)) + std::string(reverts.suffix);
    out.revert_depth = static_cast<std::uint8_t>(depth % 2 == 0 ? 1 : std::min(depth, 255));
  } else if (header.starts_with("Merge ")) {
    out.kind = MessageKind::merge;
  } else if (header.starts_with("fixup! ") || header.starts_with("squash! ") || header.starts_with("amend! ")) {
    out.kind = MessageKind::fixup;
  } else {
    out.kind = MessageKind::other;
  }
}

} // namespace

std::string breaking_note(const Message& message)
{
  std::string joined;
  for (const std::string& note : message.breaking_notes) {
    joined += joined.empty() ? note : "; " + note;
  }
  return joined;
}

std::string_view reverted_header(const Message& message)
{
  if (message.kind != MessageKind::revert || message.revert_depth == 0) {
    return {};
  }
  const std::string_view description = message.description;
  return description.substr(0, description.size() - pr_suffix(description).size());
}

std::string_view to_string(MessageKind kind)
{
  switch (kind) {
  case MessageKind::conventional:
    return "conventional";
  case MessageKind::merge:
    return "merge";
  case MessageKind::revert:
    return "revert";
  case MessageKind::fixup:
    return "fixup";
  case MessageKind::other:
    return "other";
  }
  return "other";
}

bool parse_header(std::string_view header, Message& out)
{
  std::size_t i = 0;
  if (header.empty() || !is_alpha(header[0])) {
    return false;
  }
  while (i < header.size() && (is_alnum(header[i]) || header[i] == '-' || header[i] == '_')) {
    ++i;
  }
  const std::string_view type = header.substr(0, i);
  std::string_view scope;
  if (i < header.size() && header[i] == '(') {
    const std::size_t close = header.find(')', i + 1);
    if (close == std::string_view::npos) {
      return false;
    }
    scope = header.substr(i + 1, close - i - 1);
    if (trim(scope).empty() || scope.find('(') != std::string_view::npos) {
      return false;
    }
    i = close + 1;
  }
  bool bang = false;
  if (i < header.size() && header[i] == '!') {
    bang = true;
    ++i;
  }
  if (header.substr(i, 2) != ": ") {
    return false;
  }
  const std::string_view description = trim(header.substr(i + 2));
  if (description.empty()) {
    return false;
  }
  out.kind = MessageKind::conventional;
  out.type = util::to_lower(type);
  out.scope = std::string(trim(scope));
  out.description = std::string(description);
  out.breaking = bang;
  out.breaking_notes.clear();
  if (bang) {
    out.breaking_notes.push_back(out.description);
  }
  return true;
}

Message parse_message(std::string_view message)
{
  Message out;
  const auto lines = lines_of(message);
  std::size_t index = 0;
  while (index < lines.size() && blank(lines[index])) {
    ++index; // git strips leading blank lines; a raw object may still have them
  }
  classify_header(index < lines.size() ? trim(lines[index]) : std::string_view(), out);
  ++index;

  // Body paragraphs until the first paragraph that opens with a footer; footers to the end.
  std::size_t footers_from = lines.size();
  bool paragraph_start = true;
  std::string_view token;
  std::string_view value;
  // A merge's body is the pull request's title and text: no footers (`feat: x` would look like one).
  for (std::size_t i = index; out.kind != MessageKind::merge && i < lines.size(); ++i) {
    if (blank(lines[i])) {
      paragraph_start = true;
      continue;
    }
    if (paragraph_start && footer_start(lines[i], token, value)) {
      footers_from = i;
      break;
    }
    paragraph_start = false;
  }

  std::size_t body_begin = index;
  std::size_t body_end = footers_from;
  while (body_begin < body_end && blank(lines[body_begin])) {
    ++body_begin;
  }
  while (body_end > body_begin && blank(lines[body_end - 1])) {
    --body_end;
  }
  for (std::size_t i = body_begin; i < body_end; ++i) {
    if (i > body_begin) {
      out.body += '\n';
    }
    out.body += lines[i];
  }

  for (std::size_t i = footers_from; i < lines.size(); ++i) {
    if (footer_start(lines[i], token, value)) {
      out.footers.push_back(Footer{std::string(token), std::string(value)});
      continue;
    }
    Footer& last = out.footers.back();
    last.value += '\n';
    last.value += lines[i];
  }
  bool noted = false;
  const auto add_note = [&](std::string_view note) {
    out.breaking = true;
    std::string text = collapse_whitespace(note);
    if (text.empty()) {
      return; // `BREAKING CHANGE:` with nothing after it breaks, and says nothing
    }
    if (!noted) {
      out.breaking_notes.clear(); // `!` and a note: the notes say what breaks
      noted = true;
    }
    out.breaking_notes.push_back(std::move(text));
  };
  if (out.kind == MessageKind::conventional && body_begin < body_end) {
    body_breaking_notes(std::span(lines).subspan(body_begin, body_end - body_begin), add_note);
  }
  for (Footer& footer : out.footers) {
    footer.value = std::string(trim(footer.value));
    if (is_breaking_token(footer.token) && out.kind == MessageKind::conventional) {
      add_note(footer.value);
    }
  }
  if (out.breaking && out.breaking_notes.empty()) {
    out.breaking_notes.push_back(out.description); // only empty notes: the description, as for `!`
  }

  // `This reverts commit <sha>.` names the reverted commit whatever the header looks like.
  if (const std::size_t at = out.body.find("This reverts commit "); at != std::string::npos) {
    out.reverts = first_hex_word(std::string_view(out.body).substr(at + 20));
    if (!out.reverts.empty() && out.kind == MessageKind::other) {
      out.kind = MessageKind::revert;
      out.type = "revert";
      out.revert_depth = 1;
    }
  }
  if (out.type == "revert" && out.reverts.empty()) {
    for (const Footer& footer : out.footers) {
      if (out.reverts.empty() && util::to_lower(footer.token) == "refs") {
        out.reverts = first_hex_word(footer.value);
      }
    }
  }
  return out;
}

} // namespace tollgate::changelog
