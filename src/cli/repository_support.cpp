#include "cli/repository_support.hpp"

#include "core/config/config.hpp"
#include "git/objects.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace tollgate::cli {

git::Repository open_repository(const core::Workspace& workspace)
{
  auto repo = git::Repository::open(workspace.git_dir);
  if (!repo) {
    environment_error(repo.error().message);
  }
  return std::move(*repo);
}

void require_full_history(const git::Repository& repo, std::string_view what)
{
  if (repo.is_shallow()) {
    environment_error(fmt::format("shallow clone: {} needs the whole history: run `git fetch --unshallow` (and `git "
                                  "fetch origin 'refs/tags/*:refs/tags/*'` for the release tags)",
                                  what));
  }
}

git::Oid resolve_revision(const git::Repository& repo, const std::string& rev)
{
  auto commit = git::resolve_commit(repo, rev);
  if (!commit) {
    usage_error(commit.error().message);
  }
  return *commit;
}

core::TrustRoot trust_root_or_fatal(const git::Repository& repo, const core::Config& config, const git::Oid& candidate)
{
  require_full_history(repo, "the trust root (read at the stable release)");
  auto root = core::load_trust_root(repo, config, candidate);
  if (!root) {
    throw Fatal(root.error().exit_code, root.error().message);
  }
  return std::move(*root);
}

core::Floor floor_or_fatal(const git::Repository& repo, const core::Config& config, const git::Oid& candidate)
{
  require_full_history(repo, "the governance floor (tollgate.yaml at the stable release)");
  auto floor = core::load_floor(repo, config, candidate);
  if (!floor) {
    throw Fatal(floor.error().exit_code, floor.error().message);
  }
  return std::move(*floor);
}

core::Recovery recover_trust_root_or_fatal(const git::Repository& repo, core::Config& config, bool quiet)
{
  auto found = core::recover_trust_root(repo, config, std::time(nullptr));
  if (!found) {
    throw Fatal(found.error().exit_code, found.error().message);
  }
  config.trust_root_override = found->root;
  if (!quiet) {
    fmt::print("recovering the trust root: the one at {} {} is broken ({});\napprovals count under {}'s\n",
               config.release.stable_tag, found->stable.tag, found->broken, found->root.release);
    std::fflush(stdout);
  }
  return std::move(*found);
}

std::vector<std::string> floor_lines(const core::Floor& floor)
{
  std::vector<std::string> lines;
  if (floor.first_promotion) {
    lines.emplace_back(core::k_first_promotion_note);
  }
  lines.insert(lines.end(), floor.notes.begin(), floor.notes.end());
  return lines;
}

gpg::Context signing_context()
{
  auto gpg = gpg::Context::create();
  if (!gpg) {
    environment_error(gpg.error().message);
  }
  if (isatty(STDIN_FILENO) == 0) {
    gpg->never_prompt();
  }
  return std::move(*gpg);
}

void require_maintainer_key(const git::Repository& repo, const core::Config& config, const git::Oid& candidate,
                            const gpg::KeyInfo& key, const std::string& what)
{
  const core::TrustRoot root = trust_root_or_fatal(repo, config, candidate);
  if (root.maintainers.by_fingerprint(key.fingerprint) == nullptr) {
    environment_error(fmt::format("{} refused: signing key {} ({}) belongs to no maintainer in {} at {}; a release "
                                  "signed by it would not verify",
                                  what, key.fingerprint, key.user_id, root.maintainers_path, root.source));
  }
}

} // namespace tollgate::cli
