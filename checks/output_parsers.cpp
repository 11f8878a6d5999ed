#include "checks/output_parsers.hpp"

#include "util/sha256.hpp"
#include "util/strings.hpp"

#include <re2/re2.h>

namespace tollgate::checks {

long PytestSummary::count(const std::string& key) const
{
  const auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

namespace {

// Strips ANSI colour sequences, which pytest emits with --color=yes.
std::string strip_ansi(std::string_view line)
{
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
      i += 2;
      while (i < line.size() && (line[i] < '@' || line[i] > '~')) {
        ++i;
      }
      continue;
    }
    out.push_back(line[i]);
  }
  return out;
}

} // namespace

std::optional<PytestSummary> parse_pytest_output(std::string_view output)
{
  static const RE2 k_line(R"(^=*\s*((?:\d+ [a-z]+(?:, )?)+|no tests ran)(?: in ([0-9.]+)s)?(?: \([^)]*\))?\s*=*$)");
  static const RE2 k_count(R"((\d+) ([a-z]+))");
  const auto lines = util::split_lines(output);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const std::string line = strip_ansi(*it);
    std::string counts_text;
    std::string seconds_text;
    if (!RE2::FullMatch(line, k_line, &counts_text, &seconds_text)) {
      continue;
    }
    PytestSummary summary;
    summary.line = counts_text;
    if (!seconds_text.empty()) {
      try {
        summary.seconds = std::stod(seconds_text);
      } catch (const std::exception&) {
        summary.seconds.reset();
      }
    }
    re2::StringPiece input(counts_text);
    long n = 0;
    std::string word;
    while (RE2::FindAndConsume(&input, k_count, &n, &word)) {
      // pytest says "1 error" / "2 errors", "1 warning" / "3 warnings": count them under one key.
      if (word == "errors") {
        word = "error";
      } else if (word == "warnings") {
        word = "warning";
      }
      summary.counts[word] += n;
    }
    return summary;
  }
  return std::nullopt;
}

PreCommitSummary parse_pre_commit_output(std::string_view output)
{
  static const RE2 k_hook(R"(^(.*?)\.{2,}(?:\([^)]*\))?(Passed|Failed|Skipped)\s*$)");
  PreCommitSummary summary;
  for (const auto& raw : util::split_lines(output)) {
    const std::string line = strip_ansi(raw);
    std::string name;
    std::string verdict;
    if (!RE2::FullMatch(line, k_hook, &name, &verdict)) {
      continue;
    }
    if (verdict == "Passed") {
      ++summary.passed;
    } else if (verdict == "Failed") {
      ++summary.failed;
      summary.failed_hooks.emplace_back(util::trim(name));
    } else {
      ++summary.skipped;
    }
  }
  return summary;
}

std::vector<std::string> parse_pytest_collection(std::string_view output)
{
  std::vector<std::string> ids;
  for (const auto line : util::split_line_views(output)) {
    if (!line.empty() && line.front() != ' ' && line.find("::") != std::string_view::npos) {
      ids.emplace_back(util::trim(line));
    }
  }
  return ids;
}

unsigned shard_of(std::string_view node_id, unsigned count)
{
  const std::string hex = util::sha256_hex(node_id).substr(0, 15);
  return static_cast<unsigned>(std::stoull(hex, nullptr, 16) % count);
}

} // namespace tollgate::checks
