#include "core/checklist/report.hpp"

#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <limits>

namespace tollgate::core {

namespace {

constexpr std::string_view k_spinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

std::string read_tail(const std::filesystem::path& path, std::size_t lines)
{
  // Only the end of a large log matters.
  constexpr std::size_t k_max_tail_bytes = 64 * 1024;
  return util::tail_lines(util::read_file_tail(path, k_max_tail_bytes), lines);
}

std::string escape_annotation(std::string_view text, bool property)
{
  std::string out;
  for (char c : text) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    case ':':
      out += property ? "%3A" : ":";
      break;
    case ',':
      out += property ? "%2C" : ",";
      break;
    default:
      out.push_back(c);
    }
  }
  return out;
}

} // namespace

std::string display_path(const std::filesystem::path& path)
{
  if (path.empty()) {
    return "";
  }
  std::error_code ec;
  const auto relative = std::filesystem::relative(path, std::filesystem::current_path(ec), ec);
  if (!ec && !relative.empty() && relative.string().size() < path.string().size()) {
    return relative.string();
  }
  return path.string();
}

std::string github_error(std::string_view message)
{
  // FILE:LINE:COL: text, LINE and COL decimal.
  const auto number_at = [&](std::size_t& at) {
    std::size_t end = at;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') {
      ++end;
    }
    const std::string_view digits = message.substr(at, end - at);
    at = end;
    return digits;
  };
  for (std::size_t colon = message.find(':'); colon != std::string_view::npos && colon > 0;
       colon = message.find(':', colon + 1)) {
    if (message.substr(0, colon).find(": ") != std::string_view::npos) {
      break; // the text has begun: what follows is no longer a leading location
    }
    std::size_t at = colon + 1;
    const std::string_view line = number_at(at);
    if (line.empty() || at >= message.size() || message[at] != ':') {
      continue;
    }
    ++at;
    const std::string_view column = number_at(at);
    if (column.empty() || message.substr(at, 2) != ": ") {
      continue;
    }
    return fmt::format("::error file={},line={},col={}::{}\n", escape_annotation(message.substr(0, colon), true), line,
                       column, escape_annotation(message.substr(at + 2), false));
  }
  return fmt::format("::error::{}\n", escape_annotation(message, false));
}

std::string github_annotation(const CheckReport& check)
{
  if (check.result.status != checks::Status::fail && check.result.status != checks::Status::error) {
    return "";
  }
  const std::string title = escape_annotation("tollgate " + check.id, true);
  std::string text = fmt::format("::error title={}::{} {}: {}\n", title, escape_annotation(check.id, false),
                                 check.result.status == checks::Status::fail ? "failed" : "could not run",
                                 escape_annotation(check.result.summary, false));
  for (const auto& problem : check.result.problems) {
    text += fmt::format("::error title={}::{}\n", title, escape_annotation(problem, false));
  }
  return text;
}

void TextReporter::begin(const std::vector<std::unique_ptr<checks::Check>>& checks)
{
  for (const auto& check : checks) {
    m_width = std::max(m_width, check->id().size());
  }
}

void TextReporter::clear_live_lines()
{
  // The cursor sits at the end of the last spinner line: clear it and each one above.
  for (std::size_t line = 0; line < m_live_lines; ++line) {
    std::fputs(line == 0 ? "\r\x1b[2K" : "\x1b[1A\x1b[2K", m_out);
  }
  m_live_lines = 0;
}

void TextReporter::tick(const std::vector<Running>& running)
{
  if (!m_options.live || running.empty()) {
    return;
  }
  const auto frame = k_spinner[m_frame++ % std::size(k_spinner)];
  clear_live_lines();
  for (const auto& check : running) {
    if (m_live_lines > 0) {
      std::fputc('\n', m_out);
    }
    fmt::print(m_out, "{} {:<{}}  {}", m_options.style.yellow(frame), check.id, m_width,
               m_options.style.dim(util::format_seconds(check.seconds)));
    ++m_live_lines;
  }
  std::fflush(m_out);
}

void TextReporter::finished(const CheckReport& report)
{
  clear_live_lines();
  const auto& result = report.result;
  const auto& style = m_options.style;
  std::string mark;
  if (m_options.live) {
    switch (result.status) {
    case checks::Status::pass:
      mark = style.green("✔");
      break;
    case checks::Status::fail:
      mark = style.red("✘");
      break;
    case checks::Status::error:
      mark = style.red("!");
      break;
    case checks::Status::skipped:
      mark = style.dim("○");
      break;
    }
  } else {
    mark = fmt::format("{:<7}", to_string(result.status));
  }
  const bool failed = result.status == checks::Status::fail || result.status == checks::Status::error;
  if (!failed && m_options.verbosity < 0) {
    std::fflush(m_out);
    return;
  }
  const std::string time = result.status == checks::Status::skipped ? "" : util::format_seconds(result.seconds);
  fmt::print(m_out, "{} {:<{}}  {:>6}  {}\n", mark, report.id, m_width, time, result.summary);
  if (!failed && m_options.verbosity > 0 && !result.log.empty()) {
    fmt::print(m_out, "    {}\n", style.dim("log: " + display_path(result.log)));
  }
  if (failed) {
    if (!result.log.empty()) {
      const std::size_t lines =
          m_options.verbosity > 1 ? std::numeric_limits<std::size_t>::max() : m_options.tail_lines;
      const std::string tail = read_tail(result.log, lines);
      if (!tail.empty()) {
        for (const auto& line : util::split_lines(tail)) {
          fmt::print(m_out, "    {} {}\n", style.dim("│"), line);
        }
      }
      fmt::print(m_out, "    {}\n", style.dim("log: " + display_path(result.log)));
    }
    if (m_options.annotations) {
      std::fputs(github_annotation(report).c_str(), m_out);
    }
  }
  std::fflush(m_out);
}

void TextReporter::end(const RunReport& report)
{
  clear_live_lines();
  std::vector<std::string> parts;
  const auto add = [&](checks::Status status, std::string_view word) {
    if (const int n = report.count(status); n > 0) {
      parts.push_back(fmt::format("{} {}", n, word));
    }
  };
  add(checks::Status::pass, "passed");
  add(checks::Status::fail, "failed");
  add(checks::Status::error, "could not run");
  add(checks::Status::skipped, "skipped");
  if (parts.empty()) {
    parts.emplace_back("no checks");
  }
  const std::string verdict =
      report.exit_code() == 0 ? m_options.style.green("checklist passed") : m_options.style.red("checklist failed");
  fmt::print(m_out, "{}: {} in {}\n", verdict, fmt::join(parts, ", "), util::format_seconds(report.seconds));
  if (m_options.verbosity >= 0) {
    fmt::print(m_out, "{}\n", m_options.style.dim("logs: " + display_path(report.log_dir)));
  }
  std::fflush(m_out);
}

void QuietReporter::finished(const CheckReport& report)
{
  if (m_annotations) {
    std::fputs(github_annotation(report).c_str(), stderr);
  }
}

} // namespace tollgate::core
