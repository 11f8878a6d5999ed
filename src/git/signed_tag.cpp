#include "git/signed_tag.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace tollgate::git {

namespace {

constexpr std::string_view k_pgp_begin = "-----BEGIN PGP SIGNATURE-----";

// The next line of `text` from `pos` (without its newline); advances `pos` past it.
std::string_view next_line(std::string_view text, std::size_t& pos)
{
  const std::size_t end = text.find('\n', pos);
  const std::size_t stop = end == std::string_view::npos ? text.size() : end;
  const std::string_view line = text.substr(pos, stop - pos);
  pos = end == std::string_view::npos ? text.size() : end + 1;
  return line;
}

} // namespace

std::string tag_payload(const Oid& target, std::string_view target_type, std::string_view name, const Signature& tagger,
                        std::string_view message)
{
  const int offset = tagger.offset;
  const int magnitude = std::abs(offset);
  std::string payload =
      fmt::format("object {}\ntype {}\ntag {}\ntagger {} <{}> {} {}{:02}{:02}\n\n", target.hex(), target_type, name,
                  tagger.name, tagger.email, tagger.time, offset < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
  payload += message;
  if (!message.empty() && message.back() != '\n') {
    payload += '\n';
  }
  return payload;
}

SignedPayload split_signature(std::string_view raw_tag)
{
  std::size_t found = std::string_view::npos;
  for (std::size_t pos = 0; pos < raw_tag.size();) {
    if (raw_tag.substr(pos).starts_with(k_pgp_begin)) {
      found = pos;
    }
    const std::size_t end = raw_tag.find('\n', pos);
    if (end == std::string_view::npos) {
      break;
    }
    pos = end + 1;
  }
  if (found == std::string_view::npos) {
    return SignedPayload{raw_tag, {}};
  }
  return SignedPayload{raw_tag.substr(0, found), raw_tag.substr(found)};
}

Result<TagHeader> parse_tag_payload(std::string_view payload)
{
  TagHeader header;
  std::size_t pos = 0;
  const std::string_view object = next_line(payload, pos);
  if (!object.starts_with("object ")) {
    return fail("a tag object must start with `object`");
  }
  auto id = Oid::parse(object.substr(7));
  if (!id) {
    return fail("a tag object's `object` is not a 40-hex id");
  }
  header.object = *id;
  const std::string_view type = next_line(payload, pos);
  if (!type.starts_with("type ")) {
    return fail("a tag object's second line must be `type`");
  }
  header.type = std::string(type.substr(5));
  const std::string_view name = next_line(payload, pos);
  if (!name.starts_with("tag ")) {
    return fail("a tag object's third line must be `tag`");
  }
  header.name = std::string(name.substr(4));
  for (;;) {
    if (pos >= payload.size()) {
      header.message = {};
      return header;
    }
    const std::string_view line = next_line(payload, pos);
    if (line.empty()) {
      break;
    }
    if (line.starts_with("tagger ")) {
      header.tagger = std::string(line.substr(7));
    }
  }
  header.message = payload.substr(pos);
  return header;
}

} // namespace tollgate::git
