// libFuzzer target: the version-file scanners (src/version_files) on an arbitrary file, its first
// byte choosing the format. Besides crashes, hangs and sanitizer reports, it traps when an error
// names neither the file nor the entry, when a span lies outside the file or spans a line, or when
// the edited file, scanned again, does not hold the new version at the same number of places with
// every byte outside them kept.

#include "version_files/edit.hpp"
#include "version_files/locate.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace tollgate::version_files;
  if (size == 0) {
    return 0;
  }
  static const std::array<const char*, 6> k_paths = {"pyproject.toml",    "Cargo.toml", "package.json",
                                                     "package-lock.json", "setup.cfg",  "src/demo/__init__.py"};
  const char* path = k_paths[data[0] % k_paths.size()];
  const auto entry =
      make_entry(path, data[0] % k_paths.size() == 5 ? R"re(^__version__ = "([^"]+)")re" : "", "tollgate.yaml:1:1");
  if (!entry) {
    __builtin_trap();
  }
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto spans = locate(*entry, text);
  if (!spans) {
    const std::string& message = spans.error().message;
    if (!message.starts_with(std::string(path) + ":") && !message.starts_with("tollgate.yaml:1:1:")) {
      __builtin_trap();
    }
    return 0;
  }
  for (const auto& span : *spans) {
    if (span.offset + span.length > text.size() ||
        text.substr(span.offset, span.length).find('\n') != std::string::npos) {
      __builtin_trap();
    }
  }
  const auto edit = edit_text(*entry, text, "9.8.7-rc.1");
  if (!edit) {
    __builtin_trap();
  }
  const auto again = locate(*entry, edit->after);
  if (!again || again->size() != spans->size()) {
    __builtin_trap();
  }
  std::size_t shift = 0;
  for (std::size_t i = 0; i < spans->size(); ++i) {
    const Span& old_span = (*spans)[i];
    const Span& new_span = (*again)[i];
    if (new_span.offset != old_span.offset + shift ||
        edit->after.substr(new_span.offset, new_span.length) != "9.8.7-rc.1") {
      __builtin_trap();
    }
    shift = shift + new_span.length - old_span.length;
  }
  return 0;
}
