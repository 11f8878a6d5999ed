// libFuzzer target: `tollgate.yaml` parsing, including every check kind's option validation.
// Besides crashes, hangs and sanitizer reports, it traps on an error that does not name the file.

#include "checks/registry.hpp"
#include "core/config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const bool k_installed = (tollgate::checks::install_kinds(), true);
  (void)k_installed;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = tollgate::core::parse_config(text, "fuzz.yaml");
  if (!config && !config.error().message.starts_with("fuzz.yaml")) {
    __builtin_trap();
  }
  return 0;
}
