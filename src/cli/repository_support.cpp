#include "cli/repository_support.hpp"

#include "core/config.hpp"
#include "git/objects.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

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

std::vector<core::CheckSpec> trusted_gate_checks(const git::Repository& repo, const core::Config& config,
                                                 const git::Oid& candidate)
{
  auto root = core::trust_root_commit(repo, config, candidate);
  if (!root) {
    throw Fatal(root.error().exit_code, root.error().message);
  }
  auto text = git::read_file_at(repo, root->commit, core::k_config_file);
  if (!text) {
    environment_error(text.error().message);
  }
  std::vector<core::CheckSpec> specs;
  if (!*text) {
    return specs;
  }
  auto trusted = core::parse_config(**text, core::k_config_file);
  if (!trusted) {
    usage_error(fmt::format("{} (at {})", trusted.error().message, root->source));
  }
  for (auto& spec : trusted->checks) {
    if (spec.kind == "approvals" || spec.kind == "policies") {
      specs.push_back(std::move(spec));
    }
  }
  return specs;
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
