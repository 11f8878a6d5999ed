#pragma once
// What promote, rollback and approve print while a core operation runs (core/release/progress.hpp).

#include "cli/common.hpp"
#include "core/release/progress.hpp"

#include <string>
#include <vector>

namespace tollgate::cli {

// Each line on stdout, then a flush (the operator's commands write after our lines).
void print_lines(const std::vector<std::string>& lines);

// Lines on stdout (none under --json), text on stderr.
class TextProgress final : public core::Progress {
public:
  explicit TextProgress(const Globals& globals) : m_globals(globals) {}
  void say(const std::string& line) override;
  void warn(const std::string& text) override;
  bool json() const override { return m_globals.json; }

private:
  const Globals& m_globals;
};

} // namespace tollgate::cli
