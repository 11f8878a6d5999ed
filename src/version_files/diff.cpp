#include "version_files/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace tollgate::version_files {

namespace {

constexpr std::size_t k_context = 3;

struct Line {
  std::string_view text; // without its `\n`
  bool newline = true;
};

std::vector<Line> lines_of(std::string_view text)
{
  std::vector<Line> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(Line{text.substr(start), false});
      break;
    }
    lines.push_back(Line{text.substr(start, end - start), true});
    start = end + 1;
  }
  return lines;
}

void append(std::string& out, char mark, const Line& line)
{
  out += mark;
  out += line.text;
  out += '\n';
  if (!line.newline) {
    out += "\\ No newline at end of file\n";
  }
}

} // namespace

std::string unified_diff(const std::string& path, std::string_view before, std::string_view after)
{
  const std::vector<Line> old_lines = lines_of(before);
  const std::vector<Line> new_lines = lines_of(after);
  const std::size_t count = std::min(old_lines.size(), new_lines.size());
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < count; ++i) {
    if (old_lines[i].text != new_lines[i].text || old_lines[i].newline != new_lines[i].newline) {
      changed.push_back(i);
    }
  }
  if (changed.empty()) {
    return "";
  }
  std::string out = fmt::format("--- a/{0}\n+++ b/{0}\n", path);
  for (std::size_t i = 0; i < changed.size();) {
    // One hunk: changed lines whose contexts touch or overlap.
    std::size_t last = i;
    while (last + 1 < changed.size() && changed[last + 1] - changed[last] <= 2 * k_context + 1) {
      ++last;
    }
    const std::size_t first_line = changed[i] >= k_context ? changed[i] - k_context : 0;
    const std::size_t end_line = std::min(changed[last] + k_context + 1, count);
    const std::size_t length = end_line - first_line;
    // As diff -u writes it: a one-line range is just its line number.
    const std::string range =
        length == 1 ? fmt::format("{}", first_line + 1) : fmt::format("{},{}", first_line + 1, length);
    out += fmt::format("@@ -{0} +{0} @@\n", range);
    std::size_t next = i;
    for (std::size_t line = first_line; line < end_line;) {
      if (next > last || changed[next] != line) {
        append(out, ' ', old_lines[line]);
        ++line;
        continue;
      }
      // A run of changed lines: the old ones, then the new ones.
      std::size_t run = line;
      while (next <= last && changed[next] == run) {
        ++next;
        ++run;
      }
      for (std::size_t k = line; k < run; ++k) {
        append(out, '-', old_lines[k]);
      }
      for (std::size_t k = line; k < run; ++k) {
        append(out, '+', new_lines[k]);
      }
      line = run;
    }
    i = last + 1;
  }
  return out;
}

std::string unified_diffs(const std::vector<FileEdit>& edits)
{
  std::string out;
  for (const auto& edit : edits) {
    out += unified_diff(edit.path, edit.before, edit.after);
  }
  return out;
}

nlohmann::json to_json(const std::vector<FileEdit>& edits, std::string_view version)
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& edit : edits) {
    list.push_back({{"path", edit.path},
                    {"from", edit.old_versions},
                    {"to", version},
                    {"changed", edit.changed()},
                    {"diff", unified_diff(edit.path, edit.before, edit.after)}});
  }
  return list;
}

} // namespace tollgate::version_files
