#include "cli/repository_support.hpp"

#include "git/objects.hpp"
#include "util/fatal.hpp"

namespace tollgate::cli {

git::Repository open_repository(const core::Workspace& workspace)
{
  auto repo = git::Repository::open(workspace.git_dir);
  if (!repo) {
    environment_error(repo.error().message);
  }
  return std::move(*repo);
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
  auto root = core::load_trust_root(repo, config, candidate);
  if (!root) {
    throw Fatal(root.error().exit_code, root.error().message);
  }
  return std::move(*root);
}

} // namespace tollgate::cli
