// libFuzzer target: the Keep a Changelog editor on an arbitrary existing file. Besides crashes,
// hangs and sanitizer reports, it traps when an error does not name the file, when the section is
// not in the result, or when a second edit is not a no-op (idempotence).

#include "changelog/editor.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace tollgate::changelog;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Insertion insertion;
  insertion.version = "1.4.0";
  insertion.tag = "v1.4.0";
  insertion.section = "## [1.4.0] - 2026-11-25\n\n### Added\n\n- fuzzed (abc1234)\n";
  insertion.header = "# Changelog\n";
  insertion.unreleased_url = "https://github.com/o/r/compare/v1.4.0...HEAD";
  insertion.version_url = "https://github.com/o/r/compare/v1.3.2...v1.4.0";
  const auto once = insert_release(text, insertion, "fuzz.md");
  if (!once) {
    if (!once.error().message.starts_with("fuzz.md:")) {
      __builtin_trap();
    }
    return 0;
  }
  if (!once->changed) {
    return 0; // the version was there already
  }
  if (once->text.find("## [1.4.0] - 2026-11-25") == std::string::npos) {
    __builtin_trap();
  }
  const auto twice = insert_release(once->text, insertion, "fuzz.md");
  if (!twice || twice->changed || twice->text != once->text) {
    __builtin_trap();
  }
  return 0;
}
