#pragma once
// Compare and tag links for Keep a Changelog's link references, derived from a remote URL in
// GitHub or GitLab form (https, ssh, scp-like); no links for any other host.

#include <optional>
#include <string>
#include <string_view>

namespace tollgate::changelog {

enum class ForgeKind { github, gitlab };

struct Forge {
  ForgeKind kind = ForgeKind::github;
  std::string base; // "https://github.com/owner/repo"
};

// `https://github.com/o/r.git`, `git@github.com:o/r.git`, `ssh://git@gitlab.com/g/sub/r.git`...
// nullopt when the host is neither GitHub nor GitLab (a host named `github.*` / `gitlab.*` counts).
std::optional<Forge> forge_from_remote(std::string_view url);

std::string compare_url(const Forge& forge, std::string_view from, std::string_view to);
std::string tag_url(const Forge& forge, std::string_view tag);

} // namespace tollgate::changelog
