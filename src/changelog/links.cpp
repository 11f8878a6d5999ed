#include "changelog/links.hpp"

namespace tollgate::changelog {

namespace {

std::string_view strip_suffix(std::string_view text, std::string_view suffix)
{
  return text.ends_with(suffix) ? text.substr(0, text.size() - suffix.size()) : text;
}

std::optional<ForgeKind> kind_of(std::string_view host)
{
  if (host == "github.com" || host.starts_with("github.")) {
    return ForgeKind::github;
  }
  if (host == "gitlab.com" || host.starts_with("gitlab.")) {
    return ForgeKind::gitlab;
  }
  if (host == "codeberg.org" || host == "gitea.com" || host.starts_with("gitea.") || host.starts_with("forgejo.")) {
    return ForgeKind::gitea;
  }
  if (host == "bitbucket.org") {
    return ForgeKind::bitbucket;
  }
  return std::nullopt;
}

} // namespace

std::optional<Forge> forge_from_remote(std::string_view url)
{
  std::string_view host;
  std::string_view path;
  if (const std::size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    const std::string_view protocol = url.substr(0, scheme);
    if (protocol != "https" && protocol != "http" && protocol != "ssh" && protocol != "git") {
      return std::nullopt;
    }
    std::string_view rest = url.substr(scheme + 3);
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
      return std::nullopt;
    }
    host = rest.substr(0, slash);
    path = rest.substr(slash + 1);
    if (const std::size_t at = host.rfind('@'); at != std::string_view::npos) {
      host = host.substr(at + 1);
    }
    if (const std::size_t colon = host.find(':'); colon != std::string_view::npos) {
      host = host.substr(0, colon); // a port
    }
  } else if (const std::size_t colon = url.find(':'); colon == std::string_view::npos) {
    // host/owner/repo (release.repository's short form)
    const std::size_t slash = url.find('/');
    if (slash == std::string_view::npos || url.substr(0, slash).find('.') == std::string_view::npos) {
      return std::nullopt;
    }
    host = url.substr(0, slash);
    path = url.substr(slash + 1);
  } else {
    // scp-like: [user@]host:path
    if (url.find('/') < colon) {
      return std::nullopt;
    }
    host = url.substr(0, colon);
    if (const std::size_t at = host.rfind('@'); at != std::string_view::npos) {
      host = host.substr(at + 1);
    }
    path = url.substr(colon + 1);
  }
  const auto kind = kind_of(host);
  path = strip_suffix(strip_suffix(path, "/"), ".git");
  while (path.starts_with("/")) {
    path.remove_prefix(1);
  }
  if (!kind || path.find('/') == std::string_view::npos || path.ends_with("/")) {
    return std::nullopt; // no owner/name
  }
  return Forge{*kind, "https://" + std::string(host) + "/" + std::string(path)};
}

bool has_compare_links(const Forge& forge)
{
  return forge.kind != ForgeKind::bitbucket;
}

std::string issue_url(const Forge& forge, std::string_view number)
{
  const std::string_view infix = forge.kind == ForgeKind::gitlab ? "/-/issues/" : "/issues/";
  return forge.base + std::string(infix) + std::string(number);
}

std::string link_references(const Forge& forge, std::string_view text)
{
  std::string out;
  std::size_t from = 0;
  while (true) {
    const std::size_t open = text.find("(#", from);
    if (open == std::string_view::npos) {
      break;
    }
    std::size_t end = open + 2;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
      ++end;
    }
    if (end == open + 2 || end >= text.size() || text[end] != ')') {
      out.append(text.substr(from, open + 2 - from));
      from = open + 2;
      continue;
    }
    const std::string_view number = text.substr(open + 2, end - open - 2);
    out.append(text.substr(from, open - from));
    out += "([#" + std::string(number) + "](" + issue_url(forge, number) + "))";
    from = end + 1;
  }
  out.append(text.substr(from));
  return out;
}

std::string compare_url(const Forge& forge, std::string_view from, std::string_view to)
{
  const std::string_view infix = forge.kind == ForgeKind::gitlab ? "/-/compare/" : "/compare/";
  return forge.base + std::string(infix) + std::string(from) + "..." + std::string(to);
}

std::string tag_url(const Forge& forge, std::string_view tag)
{
  const std::string_view infix = forge.kind == ForgeKind::gitlab ? "/-/tags/" : "/releases/tag/";
  return forge.base + std::string(infix) + std::string(tag);
}

} // namespace tollgate::changelog
