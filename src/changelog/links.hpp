#pragma once
// Links derived from a remote URL or `release.repository` (https, ssh, scp-like, `host/owner/repo`):
// compare and tag links for Keep a Changelog's link references (GitHub, GitLab, Gitea/Forgejo), and
// `(#N)` links (those and Bitbucket); none for any other host.

#include <optional>
#include <string>
#include <string_view>

namespace tollgate::changelog {

enum class ForgeKind { github, gitlab, gitea, bitbucket };

struct Forge {
  ForgeKind kind = ForgeKind::github;
  std::string base; // "https://github.com/owner/repo"
};

// `https://github.com/o/r.git`, `git@github.com:o/r.git`, `ssh://git@gitlab.com/g/sub/r.git`...
// `github.com/o/r`; nullopt for an unknown host. Known: github.com and `github.*`, gitlab.com and
// `gitlab.*`, codeberg.org, gitea.com, `gitea.*`, `forgejo.*`, bitbucket.org.
std::optional<Forge> forge_from_remote(std::string_view url);

// Bitbucket's compare pages take another form: no compare or tag links there.
bool has_compare_links(const Forge& forge);
// The page of issue or pull request `number` (`.../issues/12`; GitHub and Gitea redirect to the pull
// request, GitLab's `#12` is an issue).
std::string issue_url(const Forge& forge, std::string_view number);
// `text` with each `(#N)` made a Markdown link `([#N](issue_url))`.
std::string link_references(const Forge& forge, std::string_view text);

std::string compare_url(const Forge& forge, std::string_view from, std::string_view to);
std::string tag_url(const Forge& forge, std::string_view tag);

} // namespace tollgate::changelog
