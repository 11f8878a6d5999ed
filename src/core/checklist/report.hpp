#pragma once
// Renderings of a checklist run (DESIGN.md §8): live or plain text, one JSON document, JUnit XML,
// and GitHub Actions `::error::` annotations.

#include "core/checklist/runner.hpp"
#include "util/term.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace tollgate::core {

struct TextOptions {
  bool live = false;           // spinner and redraws (a terminal without NO_COLOR)
  util::Style style;           // colours
  bool annotations = false;    // GitHub Actions `::error::` lines
  std::size_t tail_lines = 20; // of a failing check's log
  int verbosity = 0;           // -1 (-q): failures and the verdict only; 1 (-v): every log path; 2: whole logs
};

class TextReporter final : public Reporter {
public:
  TextReporter(std::FILE* out, TextOptions options) : m_out(out), m_options(options) {}
  void begin(const std::vector<std::unique_ptr<checks::Check>>& checks) override;
  void tick(const std::vector<Running>& running) override;
  void finished(const CheckReport& report) override;
  void end(const RunReport& report) override;

private:
  void clear_live_lines();
  std::FILE* m_out;
  TextOptions m_options;
  std::size_t m_width = 0;
  std::size_t m_frame = 0;
  std::size_t m_live_lines = 0; // spinner lines currently drawn below the finished ones
};

// Collects nothing while running; the caller prints `to_json(report)` at the end.
// It still emits GitHub annotations (to stderr, since stdout holds only the JSON document).
class QuietReporter final : public Reporter {
public:
  explicit QuietReporter(bool annotations) : m_annotations(annotations) {}
  void begin(const std::vector<std::unique_ptr<checks::Check>>&) override {}
  void tick(const std::vector<Running>&) override {}
  void finished(const CheckReport& report) override;
  void end(const RunReport&) override {}

private:
  bool m_annotations;
};

// The report as one JSON document (`tollgate check --json`).
nlohmann::json to_json(const RunReport& report);
nlohmann::json to_json(const CheckReport& check);

// JUnit XML for CI dashboards.
std::string to_junit(const RunReport& report, std::string_view suite_name = "tollgate");

// Writes `content` to `path` atomically (temporary file + rename); Fatal(environment) on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Fatal(usage), naming `option`, unless write_file_atomically could write `path` (its directory
// exists and takes a new file): checked before any check runs, so a run is never wasted on it.
void require_writable(const std::filesystem::path& path, std::string_view option);

// `::error title=...::message` for a failed or errored check; "" otherwise.
std::string github_annotation(const CheckReport& check);

// `::error::message` for an error tollgate stops on; one starting `FILE:LINE:COL: ` (as every
// located error does) becomes `::error file=FILE,line=LINE,col=COL::rest`.
std::string github_error(std::string_view message);

// The run as SARIF 2.1.0 (`check --sarif`): one rule and one result per check, located where
// `config_file` (tollgate.yaml, relative to the repository's root) declares it; failures and errors are `error`
// results, passes `pass`, skips `notApplicable`.
nlohmann::json to_sarif(const RunReport& report, std::string_view config_file);

// `path` relative to the current directory when that is shorter.
std::string display_path(const std::filesystem::path& path);

} // namespace tollgate::core
