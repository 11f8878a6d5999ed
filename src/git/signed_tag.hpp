#pragma once
// Annotated tag objects in git's exact format, so that `git verify-tag` accepts what we sign and we
// verify what `git tag -s` made: the payload (header, blank line, message) followed by an
// ASCII-armored detached signature of exactly the payload's bytes. Knows nothing of tollgate.

#include "git/objects.hpp"
#include "git/oid.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace tollgate::git {

// `tagger` time and offset are written as git does (`1732500000 +0100`). `message` gets a final
// newline when it lacks one.
std::string tag_payload(const Oid& target, std::string_view target_type, std::string_view name, const Signature& tagger,
                        std::string_view message);

struct SignedPayload {
  std::string_view payload;   // what the signature covers
  std::string_view signature; // empty when the object is unsigned
};
// Splits a raw tag object where git does: at the last line that starts an armored PGP signature.
SignedPayload split_signature(std::string_view raw_tag);

struct TagHeader {
  Oid object;
  std::string type;
  std::string name;
  std::string tagger; // the raw `tagger` line value, empty when absent
  std::string_view message;
};
// Parses the payload of a tag object (strictly: `object`, `type`, `tag` in that order).
Result<TagHeader> parse_tag_payload(std::string_view payload);

} // namespace tollgate::git
