#pragma once
// What a release operation says while it runs (core never prints; the CLI does): lines for the
// operator, text for stderr, and whether stdout is one JSON document.

#include <string>

namespace tollgate::core {

class Progress {
public:
  virtual ~Progress() = default;
  // One line for the operator on stdout; dropped when stdout is one JSON document.
  virtual void say(const std::string& line) = 0;
  // Text for stderr, whatever the output.
  virtual void warn(const std::string& text) = 0;
  // Whether stdout is one JSON document: the operator's commands then write to stderr.
  virtual bool json() const = 0;
};

} // namespace tollgate::core
