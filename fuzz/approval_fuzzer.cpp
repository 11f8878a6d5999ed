// libFuzzer target: the approval parsers. The first byte picks the parser: even -> a raw tag object
// (signature split, tag header, approval message), odd -> MAINTAINERS.yaml. Besides crashes and
// sanitizer reports it traps when a parsed approval does not survive format -> parse unchanged, when
// a split lands outside the object, or when MAINTAINERS.yaml yields a malformed fingerprint or an
// error without `file:`.

#include "core/trust/approval_message.hpp"
#include "core/trust/maintainers.hpp"
#include "git/signed_tag.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void fuzz_tag(std::string_view raw)
{
  const auto parts = tollgate::git::split_signature(raw);
  if (parts.payload.size() + parts.signature.size() != raw.size()) {
    __builtin_trap();
  }
  auto header = tollgate::git::parse_tag_payload(parts.payload);
  const std::string_view text = header ? header->message : raw;
  auto message = tollgate::core::parse_approval_message(text);
  if (!message) {
    return;
  }
  const std::string again = tollgate::core::format_approval_message(*message);
  auto reparsed = tollgate::core::parse_approval_message(again);
  if (!reparsed || reparsed->commit != message->commit || reparsed->tree != message->tree ||
      tollgate::core::format_approval_message(*reparsed) != again) {
    __builtin_trap();
  }
  (void)tollgate::core::normalise_repository(message->repository);
}

void fuzz_maintainers(std::string_view text)
{
  auto parsed = tollgate::core::parse_maintainers(text, "MAINTAINERS.yaml");
  if (!parsed) {
    if (!parsed.error().message.starts_with("MAINTAINERS.yaml")) {
      __builtin_trap();
    }
    return;
  }
  for (const auto& maintainer : parsed->list) {
    if (maintainer.name.empty() || maintainer.keys.empty()) {
      __builtin_trap();
    }
    for (const auto& key : maintainer.keys) {
      if (key.size() != 40 || !std::all_of(key.begin(), key.end(), [](unsigned char c) {
            return std::isdigit(c) != 0 || (c >= 'A' && c <= 'F');
          })) {
        __builtin_trap();
      }
      if (parsed->by_fingerprint(key) != &maintainer) {
        __builtin_trap();
      }
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1U) == 0) {
    fuzz_tag(text);
  } else {
    fuzz_maintainers(text);
  }
  return 0;
}
