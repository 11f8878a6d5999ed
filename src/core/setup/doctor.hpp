#pragma once
// `tollgate doctor`: what this machine and repository have: git, gpg and a usable secret key,
// pre-commit, pytest, which sandbox backend works (each is tried), the config's validity and the
// maintainers' keys.

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

enum class FindingLevel { ok, warn, fail, info };

std::string_view to_string(FindingLevel level);

struct Finding {
  std::string name;
  FindingLevel level = FindingLevel::ok;
  std::string detail;
};

struct DoctorReport {
  std::vector<Finding> findings; // in the order probed
  // 0 when everything the configuration needs is there, 2 for an invalid config, 3 otherwise.
  int exit_code() const;
};

// Probes the tools, keys and sandbox backends, and the repository around the current directory.
DoctorReport doctor();

} // namespace tollgate::core
