#pragma once
// Readers for the files that set environment variables: dotenv files and YAML manifests
// (Kubernetes, docker-compose, plain maps). Pure functions over text, no I/O; they report every
// assignment with where it is, and leave judging the values to the caller.

#include "util/expected.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::checks {

// One `KEY=value` found in a source. `line` and `column` (1-based) locate the value (its opening
// quote when quoted; just after `=` when empty).
struct Assignment {
  std::string key;
  std::string value; // after unquoting and escapes; otherwise the raw text
  int line = 0;
  int column = 0;
  bool literal = true; // false when the file names the variable without a value it states
                       // (Kubernetes `valueFrom`, docker-compose `- KEY` taken from the shell)
};

// Parses a dotenv file: `KEY=value` lines, optional `export `, blanks around `=`, `#` comments
// (whole lines, or after a blank following an unquoted value), 'literal' and "escaped" (\n \t \r
// \" \\ \$) quoted values that may span lines. Returns every assignment in file order (the last one
// of a key is the one that counts). A malformed line is an error value `file:line:col: message`.
Result<std::vector<Assignment>> parse_dotenv(std::string_view text, const std::string& file);

// Parses a YAML file of one or more documents and returns the assignments of `wanted_keys` (all
// keys when empty) from: any `env:` list of `{name, value | valueFrom}` maps at any depth
// (Kubernetes containers, initContainers, CronJobs...), any `environment:` map or `KEY=value` list
// (docker-compose services), the `data:` of a ConfigMap, and the top-level map of a document
// (`SANDBOX_CPU_SEC: 30`). The same node reached twice (YAML aliases) counts once.
// YAML syntax errors, excessive nesting and non-scalar values are error values `file:line:col: message`.
Result<std::vector<Assignment>> parse_manifest(std::string_view text, const std::string& file,
                                               std::span<const std::string> wanted_keys);

} // namespace tollgate::checks
