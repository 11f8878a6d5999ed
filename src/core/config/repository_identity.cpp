#include "core/config/repository_identity.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace tollgate::core {

namespace {

// The repository path: no slashes at either end, no `.git`; empty when nothing is left.
std::string clean_path(std::string_view path)
{
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  if (path.ends_with(".git")) {
    path.remove_suffix(4);
  }
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  return std::string(path);
}

bool is_default_port(std::string_view port)
{
  static constexpr std::array<std::string_view, 4> k_defaults = {"22", "80", "443", "9418"};
  return std::find(k_defaults.begin(), k_defaults.end(), port) != k_defaults.end();
}

bool valid_host(std::string_view host)
{
  return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_' || c == '[' || c == ']' || c == ':';
  });
}

Result<std::string> host_and_path(std::string_view host, std::string_view port, std::string_view path,
                                  std::string_view text)
{
  if (!valid_host(host)) {
    return fail(fmt::format("`{}` is not a repository URL: `{}` is not a host name", text, host));
  }
  if (!port.empty() && !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return fail(fmt::format("`{}` is not a repository URL: `{}` is not a port", text, port));
  }
  std::string cleaned = clean_path(path);
  if (cleaned.empty()) {
    return fail(fmt::format("`{}` names a host but no repository (expected host/owner/name)", text));
  }
  std::string identity = util::to_lower(host);
  if (!port.empty() && !is_default_port(port)) {
    identity += ":" + std::string(port);
  }
  return identity + "/" + cleaned;
}

} // namespace

Result<std::string> repository_identity(std::string_view raw)
{
  const std::string_view text = util::trim(raw);
  if (text.empty()) {
    return fail("the repository identity is empty (expected host/owner/name or a URL, e.g. github.com/acme/proj)");
  }
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0 || c < 0x20; })) {
    return fail(fmt::format("`{}` is not a repository URL: it contains blanks", util::printable(text)));
  }
  std::string_view rest = text;
  if (rest.front() == '/') {
    std::string path = clean_path(rest);
    if (path.empty()) {
      return fail(fmt::format("`{}` is not a repository path", text));
    }
    return "/" + path; // a local repository
  }
  if (const std::size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    const std::string name = util::to_lower(rest.substr(0, scheme));
    rest.remove_prefix(scheme + 3);
    if (name == "file") {
      return repository_identity(rest.empty() || rest.front() != '/' ? std::string_view("") : rest);
    }
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) {
          return std::isalnum(c) != 0 || c == '+' || c == '-' || c == '.';
        })) {
      return fail(fmt::format("`{}` is not a repository URL: `{}` is not a scheme", text, name));
    }
    const std::size_t slash = std::min(rest.find('/'), rest.size());
    std::string_view authority = rest.substr(0, slash);
    const std::string_view path = rest.substr(slash);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1); // user[:password]@
    }
    std::string_view port;
    if (const std::size_t colon = authority.rfind(':');
        colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
      port = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    return host_and_path(authority, port, path, text);
  }
  const std::size_t slash = rest.find('/');
  const std::size_t colon = rest.find(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
    // scp form: [user@]host:path
    std::string_view host = rest.substr(0, colon);
    if (const std::size_t at = host.rfind('@'); at != std::string_view::npos) {
      host.remove_prefix(at + 1);
    }
    return host_and_path(host, "", rest.substr(colon + 1), text);
  }
  if (slash == std::string_view::npos) {
    return fail(fmt::format("`{}` is not a repository identity (expected host/owner/name or a URL, e.g. "
                            "github.com/acme/proj)",
                            text));
  }
  std::string_view host = rest.substr(0, slash);
  if (const std::size_t at = host.rfind('@'); at != std::string_view::npos) {
    host.remove_prefix(at + 1);
  }
  if (host.find('.') == std::string_view::npos && util::to_lower(host) != "localhost") {
    return fail(fmt::format("`{}` is not a repository identity: `{}` is not a host name (expected host/owner/name, "
                            "e.g. github.com/acme/proj)",
                            text, host));
  }
  return host_and_path(host, "", rest.substr(slash), text);
}

std::string normalise_repository(std::string_view text)
{
  if (auto identity = repository_identity(text)) {
    return std::move(*identity);
  }
  return std::string(util::trim(text));
}

} // namespace tollgate::core
