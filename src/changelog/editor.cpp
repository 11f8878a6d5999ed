#include "changelog/editor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace tollgate::changelog {

namespace {

// A line with its ending (the last one may have none).
std::vector<std::string_view> split_keeping_endings(std::string_view text)
{
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, stop - start));
    start = stop;
  }
  return lines;
}

std::string_view content_of(std::string_view line)
{
  if (line.ends_with('\n')) {
    line.remove_suffix(1);
  }
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  return line;
}

std::string_view trim(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

bool blank(std::string_view line)
{
  return trim(line).empty();
}

std::string lower(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_fence(std::string_view line)
{
  const std::string_view trimmed = trim(line);
  return trimmed.starts_with("```") || trimmed.starts_with("~~~");
}

bool is_level(std::string_view line, std::string_view marker) // "## " or "### "
{
  return content_of(line).starts_with(marker);
}

// `[label]: destination` (up to three spaces of indentation); sets `label`.
bool is_link_definition(std::string_view line, std::string_view* label = nullptr)
{
  std::string_view text = content_of(line);
  std::size_t indent = 0;
  while (indent < text.size() && indent < 3 && text[indent] == ' ') {
    ++indent;
  }
  text.remove_prefix(indent);
  if (!text.starts_with('[')) {
    return false;
  }
  const std::size_t close = text.find("]:");
  if (close == std::string_view::npos || close < 2 || text.substr(1, close - 1).find(']') != std::string_view::npos) {
    return false;
  }
  if (trim(text.substr(close + 2)).empty()) {
    return false;
  }
  if (label != nullptr) {
    *label = text.substr(1, close - 1);
  }
  return true;
}

std::string heading_key(std::string_view line)
{
  std::string_view text = trim(content_of(line).substr(3));
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    return std::string(trim(text.substr(1, close == std::string_view::npos ? text.size() - 1 : close - 1)));
  }
  const std::size_t space = text.find_first_of(" \t");
  return std::string(text.substr(0, space));
}

// A section's body split at its `### ` headings: the lines before the first (heading "") and
// each subsection, blank lines at either end of a part dropped. Lines are contents, no endings.
struct Part {
  std::string_view heading;
  std::vector<std::string_view> lines;
};

std::vector<Part> split_parts(const std::vector<std::string_view>& lines)
{
  std::vector<Part> parts(1);
  bool fenced = false;
  for (const std::string_view line : lines) {
    if (is_fence(line)) {
      fenced = !fenced;
    }
    if (!fenced && is_level(line, "### ")) {
      parts.push_back(Part{content_of(line), {}});
      continue;
    }
    parts.back().lines.push_back(content_of(line));
  }
  for (Part& part : parts) {
    while (!part.lines.empty() && blank(part.lines.back())) {
      part.lines.pop_back();
    }
    const auto first = std::find_if(part.lines.begin(), part.lines.end(), [](std::string_view l) { return !blank(l); });
    part.lines.erase(part.lines.begin(), first);
  }
  return parts;
}

std::string title_of(std::string_view heading)
{
  return lower(trim(heading.substr(std::min<std::size_t>(4, heading.size()))));
}

// The rendered section with the hand-written Unreleased entries merged in: free text first, each
// `### Kind` list's items ahead of the generated ones of the same kind, new kinds at the end.
std::string merge_unreleased(std::string_view section, const std::vector<std::string_view>& unreleased,
                             std::string_view eol)
{
  const auto section_lines = split_keeping_endings(section);
  if (section_lines.empty()) {
    return {};
  }
  auto generated = split_parts(std::vector<std::string_view>(section_lines.begin() + 1, section_lines.end()));
  const auto written = split_parts(unreleased);
  generated.front().lines.insert(generated.front().lines.begin(), written.front().lines.begin(),
                                 written.front().lines.end());
  for (std::size_t i = 1; i < written.size(); ++i) {
    const std::string title = title_of(written[i].heading);
    auto match = std::find_if(generated.begin() + 1, generated.end(),
                              [&](const Part& part) { return title_of(part.heading) == title; });
    if (match == generated.end()) {
      generated.push_back(written[i]);
    } else {
      match->lines.insert(match->lines.begin(), written[i].lines.begin(), written[i].lines.end());
    }
  }
  std::string out(content_of(section_lines.front()));
  out += eol;
  for (const Part& part : generated) {
    if (part.heading.empty() && part.lines.empty()) {
      continue;
    }
    out += eol;
    if (!part.heading.empty()) {
      out += part.heading;
      out += eol;
      if (!part.lines.empty()) {
        out += eol;
      }
    }
    for (const std::string_view line : part.lines) {
      out += line;
      out += eol;
    }
  }
  return out;
}

std::string with_eol(std::string_view text, std::string_view eol)
{
  if (eol == "\n") {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (const char c : text) {
    if (c == '\n') {
      out += eol;
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

std::vector<Heading> release_headings(std::string_view text)
{
  std::vector<Heading> headings;
  bool fenced = false;
  const auto lines = split_keeping_endings(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_fence(lines[i])) {
      fenced = !fenced;
    } else if (!fenced && is_level(lines[i], "## ")) {
      headings.push_back(Heading{i, heading_key(lines[i])});
    }
  }
  return headings;
}

Result<Edit> insert_release(std::string_view existing, const Insertion& insertion, const std::string& file)
{
  const auto lines = split_keeping_endings(existing);
  const std::string eol =
      !lines.empty() && content_of(lines.front()).size() + 2 == lines.front().size() ? "\r\n" : "\n";
  const auto headings = release_headings(existing);

  // Text inserted inside an unclosed code block would be invisible to the next run.
  std::optional<std::size_t> open_fence;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_fence(lines[i])) {
      open_fence = open_fence ? std::nullopt : std::optional<std::size_t>(i);
    }
  }
  if (open_fence) {
    return fail(fmt::format("{}:{}:1: this code block (```) is never closed", file, *open_fence + 1));
  }

  std::optional<std::size_t> unreleased;
  for (const Heading& heading : headings) {
    const std::string key = lower(heading.key);
    if (key == lower(insertion.version) || (!insertion.tag.empty() && key == lower(insertion.tag))) {
      return Edit{std::string(existing), false};
    }
    if (key == "unreleased") {
      if (unreleased) {
        return fail(fmt::format("{}:{}:1: a second `## [Unreleased]` section (the first is on line {})", file,
                                heading.line + 1, *unreleased + 1));
      }
      unreleased = heading.line;
    }
  }

  // The link reference definitions at the end of the file (blank lines between them allowed).
  std::size_t links_begin = lines.size();
  for (std::size_t i = lines.size(); i > 0 && (blank(lines[i - 1]) || is_link_definition(lines[i - 1])); --i) {
    if (is_link_definition(lines[i - 1])) {
      links_begin = i - 1;
    }
  }

  std::string out;
  out.reserve(existing.size() + insertion.section.size() + 256);
  const std::string section = with_eol(insertion.section, eol);
  std::size_t resume = 0; // the first line of `existing` copied after the new section
  if (lines.empty() || std::all_of(lines.begin(), lines.end(), blank)) {
    out = with_eol(insertion.header, eol);
    if (!out.empty() && !out.ends_with(eol + eol)) {
      out += eol;
    }
    out += "## [Unreleased]" + eol + eol + section;
    resume = lines.size();
  } else if (unreleased) {
    const std::size_t body_begin = *unreleased + 1;
    std::size_t body_end = links_begin;
    for (const Heading& heading : headings) {
      if (heading.line > *unreleased) {
        body_end = std::min(body_end, heading.line);
        break;
      }
    }
    for (std::size_t i = 0; i < body_begin; ++i) {
      out += lines[i];
    }
    if (!out.ends_with('\n')) {
      out += eol;
    }
    const std::vector<std::string_view> body(lines.begin() + static_cast<std::ptrdiff_t>(body_begin),
                                             lines.begin() + static_cast<std::ptrdiff_t>(body_end));
    const bool hand_written = std::any_of(body.begin(), body.end(), [](std::string_view l) { return !blank(l); });
    out += eol;
    out += hand_written ? merge_unreleased(section, body, eol) : section;
    resume = body_end;
  } else {
    // No Unreleased section yet: both go in before the first release heading (or at the end).
    const std::size_t at = headings.empty() ? links_begin : std::min(headings.front().line, links_begin);
    for (std::size_t i = 0; i < at; ++i) {
      out += lines[i];
    }
    if (!out.empty() && !out.ends_with('\n')) {
      out += eol;
    }
    if (!out.empty() && !out.ends_with(eol + eol)) {
      out += eol;
    }
    out += "## [Unreleased]" + eol + eol + section;
    resume = at;
  }
  if (resume < lines.size() && !out.ends_with(eol + eol)) {
    out += eol; // one blank line between the new section and what follows
  }

  // Copy the rest, updating the link references on the way: the Unreleased link is replaced in
  // place (ours follows it), or both go at the start of the block, or at the end of the file.
  const bool edit_links = insertion.unreleased_url.has_value();
  std::optional<std::size_t> unreleased_link;
  bool version_defined = false;
  for (std::size_t i = links_begin; edit_links && i < lines.size(); ++i) {
    std::string_view label;
    if (is_link_definition(lines[i], &label)) {
      const std::string key = lower(label);
      if (key == "unreleased" && !unreleased_link) {
        unreleased_link = i;
      }
      version_defined = version_defined || key == lower(insertion.version) || key == lower(insertion.tag);
    }
  }
  const std::string version_line = insertion.version_url && !version_defined
                                       ? fmt::format("[{}]: {}{}", insertion.version, *insertion.version_url, eol)
                                       : std::string();
  for (std::size_t i = resume; i < lines.size(); ++i) {
    if (edit_links && unreleased_link == i) {
      std::string_view label;
      is_link_definition(lines[i], &label);
      out += fmt::format("[{}]: {}{}", label, *insertion.unreleased_url, eol);
      out += version_line;
      continue;
    }
    if (edit_links && !unreleased_link && i == links_begin) {
      out += fmt::format("[Unreleased]: {}{}", *insertion.unreleased_url, eol);
      out += version_line;
    }
    out += lines[i];
  }
  if (edit_links && !unreleased_link && links_begin == lines.size()) {
    if (!out.ends_with('\n')) {
      out += eol;
    }
    if (!out.ends_with(eol + eol)) {
      out += eol;
    }
    out += fmt::format("[Unreleased]: {}{}", *insertion.unreleased_url, eol);
    out += version_line;
  }
  return Edit{std::move(out), true};
}

} // namespace tollgate::changelog
