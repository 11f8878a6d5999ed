#pragma once
// The options of the `sandbox-limits` check (DESIGN.md §7.3), read and validated: where the
// deployment sets the limits (dotenv files, YAML manifests) and the bounds each value must lie in.
// A contract of `tollgate.yaml`, so it lives here: the check (checks/sandbox_limits) judges the
// files by it, and the governance floor (core/trust/floor) compares stable's bounds with the
// candidate's.

#include "core/config/config.hpp"

#include <map>
#include <string>
#include <vector>

namespace tollgate::core {

struct SandboxSource {
  enum class Format { dotenv, manifest };
  std::string path; // relative to the repository root, as written
  Format format = Format::dotenv;
};

struct SandboxLimit {
  std::string name; // SANDBOX_CPU_SEC, SANDBOX_MEM_MB
  long long min = 1;
  long long max = 0;
  bool required = true;
};

struct SandboxLimitsOptions {
  std::vector<SandboxSource> sources;
  std::vector<SandboxLimit> limits; // one per known variable, in a fixed order
};

// The variables the check knows, in order.
const std::vector<std::string>& sandbox_variables();

// Reads `spec`'s options over the defaults (`.env` and `deploy/manifest.yaml`, each variable
// required within 1..its default maximum); throws ConfigError naming `file:line:col`.
SandboxLimitsOptions read_sandbox_limits_options(const CheckSpec& spec, const std::string& file);

// The `max:` bounds of the sandbox-limits check `spec`, defaults included (by variable name).
std::map<std::string, long long> sandbox_bounds(const CheckSpec& spec);

} // namespace tollgate::core
