// libFuzzer target: the YAML manifest reader (Kubernetes, docker-compose, plain maps), once with
// the sandbox variables wanted and once with every key. Besides crashes, hangs and sanitizer
// reports, it traps on an error that does not name the file or an assignment outside the text.

#include "checks/env_sources.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

void parse(std::string_view text, const std::vector<std::string>& wanted)
{
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  const auto found = tollgate::checks::parse_manifest(text, "manifest.yaml", wanted);
  if (!found) {
    if (!found.error().message.starts_with("manifest.yaml")) {
      __builtin_trap();
    }
    return;
  }
  for (const auto& assignment : *found) {
    const bool wanted_key = wanted.empty() || std::find(wanted.begin(), wanted.end(), assignment.key) != wanted.end();
    if (!wanted_key || assignment.line < 0 || assignment.line > lines || assignment.column < 0) {
      __builtin_trap();
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const std::vector<std::string> k_sandbox = {"SANDBOX_CPU_SEC", "SANDBOX_MEM_MB"};
  static const std::vector<std::string> k_everything;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  parse(text, k_sandbox);
  parse(text, k_everything);
  return 0;
}
