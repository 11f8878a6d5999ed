#include "core/checklist/limits.hpp"

#include "checks/sandbox_limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace tollgate::core {

namespace {

std::optional<unsigned> lower(std::optional<unsigned> configured, const std::map<std::string, long long>& values,
                              const char* name)
{
  const auto it = values.find(name);
  if (it == values.end() || it->second <= 0) {
    return configured;
  }
  const auto value = static_cast<unsigned>(std::min<long long>(it->second, std::numeric_limits<unsigned>::max()));
  return configured ? std::min(*configured, value) : value;
}

} // namespace

proc::Limits limits_in_force(const Config& config, proc::Limits configured, const git::Repository& repo,
                             const git::Oid& commit)
{
  const checks::FileReader read = checks::commit_reader(repo, commit);
  for (const auto& spec : config.checks) {
    if (spec.kind != "sandbox-limits") {
      continue;
    }
    const checks::SandboxValues found = checks::sandbox_values(spec, read);
    if (!found.valid) {
      continue; // the check fails and says why; nothing unvalidated applies
    }
    configured.cpu_sec = lower(configured.cpu_sec, found.values, "SANDBOX_CPU_SEC");
    configured.mem_mb = lower(configured.mem_mb, found.values, "SANDBOX_MEM_MB");
  }
  return configured;
}

std::string describe_limits(const proc::Limits& limits, const std::string& backend)
{
  const auto or_none = [](const std::optional<unsigned>& value, const char* unit) {
    return value ? fmt::format("{}{}", *value, unit) : std::string("none");
  };
  return fmt::format("confine={} backend={} cpu={} mem={} net={} procs={}", limits.confine ? "on" : "off", backend,
                     or_none(limits.cpu_sec, "s"), or_none(limits.mem_mb, "MiB"),
                     limits.network == proc::Network::none ? "none" : "allow", limits.max_procs);
}

} // namespace tollgate::core
