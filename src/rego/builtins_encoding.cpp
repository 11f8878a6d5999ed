// Encoding built-ins: JSON, base64, hex; semantic versions; time.now_ns.

#include "rego/builtins.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;

// JSON text as Go's encoding/json writes it: compact, with <, > and & escaped.
std::string go_json(const Value& v)
{
  const std::string text = to_json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '<':
      out += "\\u003c";
      break;
    case '>':
      out += "\\u003e";
      break;
    case '&':
      out += "\\u0026";
      break;
    default:
      out += c;
    }
  }
  return out;
}

Value json_marshal(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(go_json(a[0]));
}

Value json_unmarshal(std::span<const Value> a, BuiltinContext&)
{
  const std::string& text = str("json.unmarshal", a, 0);
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) {
    error("json.unmarshal", "invalid JSON");
  }
  return from_json(parsed);
}

Value json_is_valid(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_string()) {
    return Value::boolean(false);
  }
  return Value::boolean(nlohmann::json::accept(a[0].as_string()));
}

constexpr std::string_view k_base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode64(const std::string& in, std::string_view alphabet, bool pad)
{
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) {
      n |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
    }
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) {
      out += alphabet[(n >> 6) & 63];
    }
    if (pad) {
      out += rest == 2 ? "=" : "==";
    }
  }
  return out;
}

std::optional<std::string> decode64(const std::string& in, std::string_view alphabet, bool padding_optional)
{
  std::string text = in;
  if (padding_optional) {
    while (text.size() % 4 != 0) {
      text += '=';
    }
  }
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      if (i + 2 < text.size()) {
        return std::nullopt;
      }
      ++padding;
      continue;
    }
    if (padding > 0) {
      return std::nullopt;
    }
    const std::size_t index = alphabet.find(c);
    if (index == std::string_view::npos) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

Value base64_encode(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(encode64(str("base64.encode", a, 0), k_base64, true));
}

Value base64_decode(std::span<const Value> a, BuiltinContext&)
{
  auto out = decode64(str("base64.decode", a, 0), k_base64, false);
  if (!out) {
    error("base64.decode", "illegal base64 data");
  }
  return Value::string(std::move(*out));
}

Value base64_is_valid(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(decode64(str("base64.is_valid", a, 0), k_base64, false).has_value());
}

Value base64url_encode(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(encode64(str("base64url.encode", a, 0), k_base64url, true));
}

Value base64url_encode_no_pad(std::span<const Value> a, BuiltinContext&)
{
  return Value::string(encode64(str("base64url.encode_no_pad", a, 0), k_base64url, false));
}

Value base64url_decode(std::span<const Value> a, BuiltinContext&)
{
  auto out = decode64(str("base64url.decode", a, 0), k_base64url, true);
  if (!out) {
    error("base64url.decode", "illegal base64 data");
  }
  return Value::string(std::move(*out));
}

Value hex_encode(std::span<const Value> a, BuiltinContext&)
{
  std::string out;
  for (const char c : str("hex.encode", a, 0)) {
    out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  }
  return Value::string(std::move(out));
}

Value hex_decode(std::span<const Value> a, BuiltinContext&)
{
  const std::string& in = str("hex.decode", a, 0);
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 2) {
    unsigned byte = 0;
    const auto result = std::from_chars(in.data() + i, in.data() + std::min(i + 2, in.size()), byte, 16);
    if (i + 1 >= in.size() || result.ec != std::errc() || result.ptr != in.data() + i + 2) {
      error("hex.decode",
            fmt::format("invalid byte: U+{:04X} '{}'", static_cast<unsigned char>(in[std::min(i + 1, in.size() - 1)]),
                        in[std::min(i + 1, in.size() - 1)]));
    }
    out += static_cast<char>(byte);
  }
  return Value::string(std::move(out));
}

struct Semver {
  std::int64_t major = 0;
  std::int64_t minor = 0;
  std::int64_t patch = 0;
  std::vector<std::string> pre;
};

bool numeric(const std::string& s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Semver> parse_semver(const std::string& text)
{
  std::string core = text;
  const std::size_t plus = core.find('+');
  if (plus != std::string::npos) {
    const std::string build = core.substr(plus + 1);
    if (build.empty()) {
      return std::nullopt;
    }
    core = core.substr(0, plus);
  }
  Semver v;
  const std::size_t dash = core.find('-');
  if (dash != std::string::npos) {
    std::string pre = core.substr(dash + 1);
    core = core.substr(0, dash);
    std::size_t start = 0;
    while (true) {
      const std::size_t dot = pre.find('.', start);
      std::string part = pre.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (part.empty() || (numeric(part) && part.size() > 1 && part[0] == '0')) {
        return std::nullopt;
      }
      v.pre.push_back(part);
      if (dot == std::string::npos) {
        break;
      }
      start = dot + 1;
    }
  }
  std::int64_t* parts[] = {&v.major, &v.minor, &v.patch};
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    const std::size_t dot = core.find('.', start);
    if ((i < 2) == (dot == std::string::npos)) {
      return std::nullopt;
    }
    const std::string part = core.substr(start, i < 2 ? dot - start : std::string::npos);
    if (!numeric(part) || (part.size() > 1 && part[0] == '0')) {
      return std::nullopt;
    }
    std::from_chars(part.data(), part.data() + part.size(), *parts[i]);
    start = dot + 1;
  }
  return v;
}

int compare_semver(const Semver& a, const Semver& b)
{
  for (auto [x, y] : {std::pair{a.major, b.major}, std::pair{a.minor, b.minor}, std::pair{a.patch, b.patch}}) {
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  if (a.pre.empty() || b.pre.empty()) {
    return a.pre.empty() == b.pre.empty() ? 0 : (a.pre.empty() ? 1 : -1);
  }
  for (std::size_t i = 0; i < std::min(a.pre.size(), b.pre.size()); ++i) {
    const std::string& x = a.pre[i];
    const std::string& y = b.pre[i];
    if (x == y) {
      continue;
    }
    if (numeric(x) && numeric(y)) {
      return x.size() != y.size() ? (x.size() < y.size() ? -1 : 1) : (x < y ? -1 : 1);
    }
    if (numeric(x) != numeric(y)) {
      return numeric(x) ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return a.pre.size() == b.pre.size() ? 0 : (a.pre.size() < b.pre.size() ? -1 : 1);
}

Value semver_compare(std::span<const Value> a, BuiltinContext&)
{
  const auto x = parse_semver(str("semver.compare", a, 0));
  const auto y = parse_semver(str("semver.compare", a, 1));
  if (!x) {
    error("semver.compare", fmt::format("operand 1: string {} is not a valid SemVer", to_text(a[0])));
  }
  if (!y) {
    error("semver.compare", fmt::format("operand 2: string {} is not a valid SemVer", to_text(a[1])));
  }
  return Value::integer(compare_semver(*x, *y));
}

Value semver_is_valid(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(a[0].is_string() && parse_semver(a[0].as_string()).has_value());
}

Value time_now_ns(std::span<const Value>, BuiltinContext& context)
{
  return Value::integer(context.now_ns);
}

constexpr Builtin k_encoding[] = {
    {"json.marshal", 1, &json_marshal},
    {"json.unmarshal", 1, &json_unmarshal},
    {"json.is_valid", 1, &json_is_valid},
    {"base64.encode", 1, &base64_encode},
    {"base64.decode", 1, &base64_decode},
    {"base64.is_valid", 1, &base64_is_valid},
    {"base64url.encode", 1, &base64url_encode},
    {"base64url.encode_no_pad", 1, &base64url_encode_no_pad},
    {"base64url.decode", 1, &base64url_decode},
    {"hex.encode", 1, &hex_encode},
    {"hex.decode", 1, &hex_decode},
    {"semver.compare", 2, &semver_compare},
    {"semver.is_valid", 1, &semver_is_valid},
    {"time.now_ns", 0, &time_now_ns},
};

} // namespace

std::span<const Builtin> builtin::encoding_builtins()
{
  return k_encoding;
}

} // namespace tollgate::rego
