// libFuzzer target: the dotenv parser. Besides crashes and sanitizer reports, it traps when an
// assignment or an error points outside the text or a key is not a valid variable name.

#include "checks/env_sources.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

bool valid_key(std::string_view key)
{
  const auto word = [](char c) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  return !key.empty() && !(key.front() >= '0' && key.front() <= '9') && std::all_of(key.begin(), key.end(), word);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  const auto found = tollgate::checks::parse_dotenv(text, ".env");
  if (!found) {
    if (!found.error().message.starts_with(".env:")) {
      __builtin_trap();
    }
    return 0;
  }
  for (const auto& assignment : *found) {
    if (!valid_key(assignment.key) || assignment.line < 1 || assignment.line > lines || assignment.column < 1 ||
        assignment.value.size() > text.size()) {
      __builtin_trap();
    }
  }
  return 0;
}
