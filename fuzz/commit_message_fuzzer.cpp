// libFuzzer target: the Conventional Commits parser and SemVer parsing. Besides crashes, hangs and
// sanitizer reports, it traps when a result breaks the parser's promises: a conventional message
// without a lower-case type or description, a breaking note on a non-breaking message, a version
// that does not print back to an equal version.

#include "changelog/message.hpp"
#include "changelog/semver.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace tollgate::changelog;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Message message = parse_message(text);
  if (message.kind == MessageKind::conventional) {
    if (message.type.empty() || message.description.empty()) {
      __builtin_trap();
    }
    for (const char c : message.type) {
      if (c >= 'A' && c <= 'Z') {
        __builtin_trap();
      }
    }
  }
  if (!message.breaking && !message.breaking_notes.empty()) {
    __builtin_trap();
  }
  if (const auto version = parse_version(text)) {
    const auto again = parse_version(version->str());
    if (!again || !same_precedence(*again, *version) || again->str() != text) {
      __builtin_trap();
    }
  }
  return 0;
}
