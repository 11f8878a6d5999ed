#include "core/trust/require.hpp"

#include "git/objects.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <unistd.h>

namespace tollgate::core {

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

TrustRoot trust_root_or_fatal(const git::Repository& repo, const Config& config, const git::Oid& candidate)
{
  require_full_history(repo, "the trust root (read at the stable release)");
  auto root = load_trust_root(repo, config, candidate);
  if (!root) {
    throw Fatal(root.error().exit_code, root.error().message);
  }
  return std::move(*root);
}

Floor floor_or_fatal(const git::Repository& repo, const Config& config, const git::Oid& candidate)
{
  require_full_history(repo, "the governance floor (tollgate.yaml at the stable release)");
  auto floor = load_floor(repo, config, candidate);
  if (!floor) {
    throw Fatal(floor.error().exit_code, floor.error().message);
  }
  return std::move(*floor);
}

std::vector<std::string> floor_lines(const Floor& floor)
{
  std::vector<std::string> lines;
  if (floor.first_promotion) {
    lines.emplace_back(k_first_promotion_note);
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

void require_maintainer_key(const git::Repository& repo, const Config& config, const git::Oid& candidate,
                            const gpg::KeyInfo& key, const std::string& what)
{
  const TrustRoot root = trust_root_or_fatal(repo, config, candidate);
  if (root.maintainers.by_fingerprint(key.fingerprint) == nullptr) {
    environment_error(fmt::format("{} refused: signing key {} ({}) belongs to no maintainer in {} at {}; a release "
                                  "signed by it would not verify",
                                  what, key.fingerprint, key.user_id, root.maintainers_path, root.source));
  }
}

} // namespace tollgate::core
