// net.cidr_* built-ins with Go's net package rules: dotted IPv4 without leading zeros, IPv6 with
// "::" and an optional dotted tail, IPv4-mapped IPv6 treated as IPv4, RFC 5952 output.

#include "rego/builtins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

namespace tollgate::rego {

namespace {

using builtin::error;
using builtin::str;
__extension__ typedef unsigned __int128 U128;

struct Addr {
  U128 bits = 0; // the address, right-aligned
  bool v4 = false;
  int width() const { return v4 ? 32 : 128; }
};

struct Net {
  Addr ip; // as written (Go keeps the host bits of an address given without a prefix)
  int prefix = 0;
  U128 first() const { return prefix == 0 ? 0 : (ip.bits >> (ip.width() - prefix)) << (ip.width() - prefix); }
  U128 last() const
  {
    const int host = ip.width() - prefix;
    return first() | (host == 0 ? 0 : (host == 128 ? ~U128(0) : ((U128(1) << host) - 1)));
  }
};

std::optional<std::uint32_t> parse_v4(std::string_view s)
{
  std::uint32_t out = 0;
  for (int part = 0; part < 4; ++part) {
    std::size_t n = 0;
    unsigned value = 0;
    while (n < s.size() && n < 4 && s[n] >= '0' && s[n] <= '9') {
      value = value * 10 + static_cast<unsigned>(s[n] - '0');
      ++n;
    }
    if (n == 0 || n > 3 || value > 255 || (n > 1 && s[0] == '0')) {
      return std::nullopt;
    }
    s.remove_prefix(n);
    out = (out << 8) | value;
    if (part < 3) {
      if (s.empty() || s[0] != '.') {
        return std::nullopt;
      }
      s.remove_prefix(1);
    }
  }
  return s.empty() ? std::optional(out) : std::nullopt;
}

std::optional<U128> parse_v6(std::string_view s)
{
  std::array<std::uint16_t, 8> groups{};
  int count = 0;
  int ellipsis = -1;
  if (s.starts_with("::")) {
    ellipsis = 0;
    s.remove_prefix(2);
  }
  while (!s.empty() && count < 8) {
    std::size_t n = 0;
    unsigned value = 0;
    while (n < s.size() && n < 5 && std::isxdigit(static_cast<unsigned char>(s[n])) != 0) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[n])));
      value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
      ++n;
    }
    if (n < s.size() && s[n] == '.') {
      // A dotted IPv4 tail fills the last two groups.
      const auto v4 = parse_v4(s);
      if (!v4 || count > 6) {
        return std::nullopt;
      }
      groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(*v4 >> 16);
      groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(*v4 & 0xFFFF);
      s = {};
      break;
    }
    if (n == 0 || n > 4) {
      return std::nullopt;
    }
    groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(value);
    s.remove_prefix(n);
    if (s.empty()) {
      break;
    }
    if (s[0] != ':' || s.size() == 1) {
      return std::nullopt;
    }
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) {
        return std::nullopt;
      }
      ellipsis = count;
      s.remove_prefix(1);
    }
  }
  if (!s.empty() || (ellipsis < 0 && count != 8) || (ellipsis >= 0 && count == 8)) {
    return std::nullopt;
  }
  if (ellipsis >= 0) {
    const int shift = 8 - count;
    for (int i = count - 1; i >= ellipsis; --i) {
      groups[static_cast<std::size_t>(i + shift)] = groups[static_cast<std::size_t>(i)];
    }
    for (int i = ellipsis; i < ellipsis + shift; ++i) {
      groups[static_cast<std::size_t>(i)] = 0;
    }
  }
  U128 out = 0;
  for (const auto g : groups) {
    out = (out << 16) | g;
  }
  return out;
}

// Go's net.ParseIP (IPv4-mapped addresses become IPv4).
std::optional<Addr> parse_ip(std::string_view s)
{
  if (s.find(':') == std::string_view::npos) {
    const auto v4 = parse_v4(s);
    return v4 ? std::optional(Addr{*v4, true}) : std::nullopt;
  }
  const auto v6 = parse_v6(s);
  if (!v6) {
    return std::nullopt;
  }
  if ((*v6 >> 32) == 0xFFFF) {
    return Addr{*v6 & 0xFFFFFFFFU, true};
  }
  return Addr{*v6, false};
}

// Go's net.ParseCIDR.
std::optional<Net> parse_cidr(std::string_view s)
{
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view address = s.substr(0, slash);
  const std::string_view bits = s.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int prefix = std::stoi(std::string(bits));
  auto ip = parse_ip(address);
  if (!ip) {
    return std::nullopt;
  }
  const bool written_v6 = address.find(':') != std::string_view::npos;
  if (written_v6 && ip->v4) {
    if (prefix > 128) {
      return std::nullopt;
    }
    prefix = std::max(prefix - 96, 0);
  }
  if (prefix > ip->width()) {
    return std::nullopt;
  }
  Net net{*ip, prefix};
  net.ip.bits = net.first();
  return net;
}

std::string ip_text(const Addr& a)
{
  if (a.v4) {
    const auto b = static_cast<std::uint32_t>(a.bits);
    return fmt::format("{}.{}.{}.{}", b >> 24, (b >> 16) & 255, (b >> 8) & 255, b & 255);
  }
  std::array<unsigned, 8> g{};
  for (int i = 0; i < 8; ++i) {
    g[static_cast<std::size_t>(i)] = static_cast<unsigned>((a.bits >> (16 * (7 - i))) & 0xFFFF);
  }
  int best = -1;
  int best_length = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[static_cast<std::size_t>(j)] == 0) {
      ++j;
    }
    if (j - i > best_length) {
      best = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') {
      out += ':';
    }
    out += fmt::format("{:x}", g[static_cast<std::size_t>(i)]);
  }
  return out;
}

Net net_operand(std::string_view name, std::span<const Value> a, std::size_t i)
{
  const std::string& s = str(name, a, i);
  auto net = parse_cidr(s);
  if (!net) {
    error(name, "invalid CIDR address: " + s);
  }
  return *net;
}

bool contains(const Net& net, const Addr& ip)
{
  if (net.ip.v4 != ip.v4) {
    return false;
  }
  Net probe{ip, net.prefix};
  return probe.first() == net.first();
}

bool cidr_contains(std::string_view name, const Value& cidr, const Value& other)
{
  const Value args[] = {cidr, other};
  const Net a = net_operand(name, args, 0);
  const std::string& text = str(name, args, 1);
  if (const auto ip = parse_ip(text)) {
    return contains(a, *ip);
  }
  const auto b = parse_cidr(text);
  if (!b) {
    error(name, "not a valid textual representation of an IP address or CIDR: " + text);
  }
  return contains(a, b->ip) && contains(a, Addr{b->last(), b->ip.v4});
}

Value net_cidr_contains(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(cidr_contains("net.cidr_contains", a[0], a[1]));
}

Value net_cidr_overlap(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(cidr_contains("net.cidr_overlap", a[0], a[1]));
}

Value net_cidr_intersects(std::span<const Value> a, BuiltinContext&)
{
  const Net x = net_operand("net.cidr_intersects", a, 0);
  const Net y = net_operand("net.cidr_intersects", a, 1);
  return Value::boolean(contains(x, y.ip) || contains(y, x.ip));
}

Value net_cidr_is_valid(std::span<const Value> a, BuiltinContext&)
{
  return Value::boolean(a[0].is_string() && parse_cidr(a[0].as_string()).has_value());
}

// The (cidr, key) pairs of a cidr_contains_matches operand.
std::vector<std::pair<Value, Value>> match_operand(int position, const Value& v)
{
  std::vector<std::pair<Value, Value>> out;
  const auto cidr_of = [&](const Value& element) {
    if (element.is_string()) {
      return element;
    }
    if (element.is_array() && !element.as_array().empty()) {
      return element.as_array()[0];
    }
    error("net.cidr_contains_matches", fmt::format("operand {}: element must be string or non-empty array", position));
  };
  switch (v.kind()) {
  case Kind::string:
    out.emplace_back(v, v);
    break;
  case Kind::array:
    for (std::size_t i = 0; i < v.as_array().size(); ++i) {
      out.emplace_back(cidr_of(v.as_array()[i]), Value::integer(static_cast<std::int64_t>(i)));
    }
    break;
  case Kind::set:
    for (const Value& m : v.as_set()) {
      out.emplace_back(cidr_of(m), m);
    }
    break;
  case Kind::object:
    for (const auto& [k, element] : v.as_object()) {
      out.emplace_back(cidr_of(element), k);
    }
    break;
  default:
    break;
  }
  return out;
}

Value net_cidr_contains_matches(std::span<const Value> a, BuiltinContext&)
{
  SetBuilder out;
  const auto left = match_operand(1, a[0]);
  const auto right = match_operand(2, a[1]);
  for (const auto& [cidr1, key1] : left) {
    for (const auto& [cidr2, key2] : right) {
      if (cidr_contains("net.cidr_contains_matches", cidr1, cidr2)) {
        out.add(Value::array({key1, key2}));
      }
    }
  }
  return out.build();
}

Value net_cidr_expand(std::span<const Value> a, BuiltinContext&)
{
  const Net net = net_operand("net.cidr_expand", a, 0);
  constexpr int k_max_host_bits = 24;
  if (net.ip.width() - net.prefix > k_max_host_bits) {
    error("net.cidr_expand", fmt::format("{} has more than 2^{} addresses; tollgate does not expand it",
                                         a[0].as_string(), k_max_host_bits));
  }
  Members out;
  for (U128 ip = net.first();; ++ip) {
    out.push_back(Value::string(ip_text(Addr{ip, net.ip.v4})));
    if (ip == net.last()) {
      break;
    }
  }
  return Value::set(std::move(out));
}

struct Range {
  Addr first;
  Addr last;
  std::optional<Net> network; // set while the range is one input network
};

// Go's bytes.Compare over the addresses' 4- or 16-byte forms.
int compare_bytes(const Addr& x, const Addr& y)
{
  const auto bytes = [](const Addr& a) {
    std::vector<unsigned char> b;
    for (int i = a.width() / 8 - 1; i >= 0; --i) {
      b.push_back(static_cast<unsigned char>((a.bits >> (8 * i)) & 0xFF));
    }
    return b;
  };
  const auto bx = bytes(x);
  const auto by = bytes(y);
  return std::lexicographical_compare(bx.begin(), bx.end(), by.begin(), by.end())   ? -1
         : std::lexicographical_compare(by.begin(), by.end(), bx.begin(), bx.end()) ? 1
                                                                                    : 0;
}

Value net_cidr_merge(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_array() && !a[0].is_set()) {
    error("net.cidr_merge", "operand must be an array");
  }
  std::vector<Range> ranges;
  for (const Value& element : a[0].as_array()) {
    if (!element.is_string()) {
      error("net.cidr_merge", "element must be string");
    }
    const std::string& s = element.as_string();
    std::optional<Net> net;
    if (const auto ip = parse_ip(s)) {
      if (!ip->v4) {
        error("net.cidr_merge", "IPv6 invalid: needs prefix length");
      }
      const auto top = static_cast<std::uint32_t>(ip->bits >> 24);
      net = Net{*ip, top < 0x80 ? 8 : (top < 0xC0 ? 16 : 24)}; // Go's IP.DefaultMask
    } else {
      net = parse_cidr(s);
      if (!net) {
        error("net.cidr_merge", "invalid CIDR address: " + s);
      }
    }
    ranges.push_back({Addr{net->first(), net->ip.v4}, Addr{net->last(), net->ip.v4}, net});
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const Range& x, const Range& y) {
    const int c = compare_bytes(x.last, y.last);
    return c != 0 ? c < 0 : compare_bytes(x.first, y.first) < 0;
  });
  for (std::size_t i = ranges.size(); i-- > 1;) {
    Addr previous = ranges[i].first;
    previous.bits = previous.bits == 0 ? 0 : previous.bits - 1;
    if (compare_bytes(previous, ranges[i - 1].last) <= 0) {
      const Addr first =
          compare_bytes(ranges[i - 1].first, ranges[i].first) < 0 ? ranges[i - 1].first : ranges[i].first;
      ranges[i - 1] = Range{first, ranges[i].last, std::nullopt};
      ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  SetBuilder out;
  for (const Range& r : ranges) {
    if (r.network) {
      out.add(Value::string(ip_text(r.network->ip) + "/" + std::to_string(r.network->prefix)));
      continue;
    }
    // The fewest CIDR blocks that cover [first, last].
    const int width = r.first.width();
    U128 at = r.first.bits;
    while (at <= r.last.bits) {
      int host = 0;
      while (host + 1 < 128 && host < width && ((at >> host) & 1) == 0) {
        const U128 end = at + ((U128(1) << (host + 1)) - 1);
        if (end > r.last.bits) {
          break;
        }
        ++host;
      }
      out.add(Value::string(ip_text(Addr{at, r.first.v4}) + "/" + std::to_string(width - host)));
      const U128 next = at + (U128(1) << host);
      if (next == 0 || next <= at) {
        break;
      }
      at = next;
    }
  }
  return out.build();
}

// A gate evaluates without network access, as OPA does with an empty `allow_net` capability: the
// call fails with OPA's "unallowed host" error whatever the strictness (tests mock it with `with`).
[[noreturn]] void refuse(std::string_view name, const std::string& host)
{
  throw BuiltinError{"eval_builtin_error",
                     fmt::format("{}: unallowed host: {} (tollgate evaluates policies without network access; "
                                 "mock the call in tests with `with {} as ...`)",
                                 name, host, name),
                     true};
}

Value http_send(std::span<const Value> a, BuiltinContext&)
{
  if (!a[0].is_object()) {
    builtin::type_error("http.send", 1, "object", a[0]);
  }
  std::string host;
  if (const Value* url = a[0].find("url"); url != nullptr && url->is_string()) {
    host = url->as_string();
    const std::size_t scheme = host.find("://");
    host = scheme == std::string::npos ? host : host.substr(scheme + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    host = host.substr(host.find('@') == std::string::npos ? 0 : host.find('@') + 1);
    host = host.starts_with('[') ? host.substr(0, host.find(']') + 1) : host.substr(0, host.find(':'));
  }
  if (const Value* raise = a[0].find("raise_error"); raise != nullptr && raise->is_false()) {
    return Value::object({{Value::string("status_code"), Value::integer(0)},
                          {Value::string("error"),
                           Value::object({{Value::string("code"), Value::string("eval_http_send_internal_error")},
                                          {Value::string("message"), Value::string("unallowed host: " + host)}})}});
  }
  refuse("http.send", host);
}

Value lookup_ip_addr(std::span<const Value> a, BuiltinContext&)
{
  refuse("net.lookup_ip_addr", str("net.lookup_ip_addr", a, 0));
}

constexpr Builtin k_net[] = {
    {"http.send", 1, &http_send},
    {"net.lookup_ip_addr", 1, &lookup_ip_addr},
    {"net.cidr_contains", 2, &net_cidr_contains},
    {"net.cidr_overlap", 2, &net_cidr_overlap},
    {"net.cidr_intersects", 2, &net_cidr_intersects},
    {"net.cidr_is_valid", 1, &net_cidr_is_valid},
    {"net.cidr_contains_matches", 2, &net_cidr_contains_matches},
    {"net.cidr_expand", 1, &net_cidr_expand},
    {"net.cidr_merge", 1, &net_cidr_merge},
};

} // namespace

std::span<const Builtin> builtin::net_builtins()
{
  return k_net;
}

} // namespace tollgate::rego
