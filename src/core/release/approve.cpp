#include "core/release/approve.hpp"

#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/workspace.hpp"
#include "core/release/release_support.hpp"
#include "core/release/signoffs.hpp"
#include "core/trust/approval_message.hpp"
#include "core/trust/promotion_record.hpp"
#include "core/trust/require.hpp"
#include "core/trust/signing.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

namespace tollgate::core {

namespace {

// Exit 3 unless the trust root names its repository: `what` names theirs so they cannot be replayed.
void require_identity(const TrustRoot& root, const std::string& what)
{
  if (root.repository.empty()) {
    environment_error(fmt::format("cannot tell which repository this is: set release.repository in tollgate.yaml or "
                                  "add an `origin` remote ({} name their repository so they cannot be replayed "
                                  "elsewhere)",
                                  what));
  }
}

gpg::KeyInfo key_or_fatal(const gpg::Context& gpg, const git::Repository& repo, const Config& config,
                          const std::string& key)
{
  auto chosen = choose_signing_key(gpg, repo, key, config.release.signing_key);
  if (!chosen) {
    environment_error(chosen.error().message);
  }
  return *chosen;
}

// A sign-off of the release tag `request.revision` for `request.stage`.
ApproveResult sign_off(const ApproveRequest& request)
{
  const Workspace workspace = find_workspace(WorkTree::optional);
  const Config config = load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  const std::string& release = request.revision;
  auto tag = git::read_ref(repo, "refs/tags/" + release);
  auto info = tag && *tag ? git::read_tag(repo, **tag) : Result<git::TagInfo>(fail("no tag"));
  if (!info || !parse_release_message(info->message)) {
    usage_error(fmt::format("`{}` is not a release tag tollgate made: name one, e.g. `tollgate approve --stage {} "
                            "v1.4.0`",
                            release, request.stage));
  }
  const StagePath path = stage_path_or_fatal(repo, config, info->target);
  if (stage_index_or_fatal(path, request.stage) == 0) {
    usage_error(
        fmt::format("`{}` is the first stage: a release enters it when it is cut, without sign-offs", request.stage));
  }
  const TrustRoot root = trust_root_or_fatal(repo, config, info->target);
  require_identity(root, "sign-offs");
  const gpg::Context gpg = signing_context();
  ApproveResult result;
  result.signoff = true;
  result.release = release;
  result.stage = request.stage;
  result.tag = **tag;
  result.key = key_or_fatal(gpg, repo, config, request.key);
  auto created =
      create_signoff(repo, gpg, result.key, {root.repository, request.stage, release, **tag, request.comment});
  if (!created) {
    environment_error(created.error().message);
  }
  result.created = std::move(*created);
  if (root.maintainers.by_fingerprint(result.key.fingerprint) == nullptr) {
    result.warnings.push_back(fmt::format("key {} belongs to no maintainer in {} at {}: this sign-off will not count",
                                          result.key.fingerprint, root.maintainers_path, root.source));
  }
  return result;
}

} // namespace

ApproveResult approve(const ApproveRequest& request, Progress& progress)
{
  if (!request.stage.empty()) {
    return sign_off(request);
  }
  const Workspace workspace = find_workspace();
  Config config = load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  ApproveResult result;
  result.commit = resolve_revision(repo, request.revision);
  if (request.recover_trust_root) {
    progress.say(recovery_note(recover_trust_root_or_fatal(repo, config), config));
  }
  const TrustRoot root = trust_root_or_fatal(repo, config, result.commit);
  require_identity(root, "approvals");
  const gpg::Context gpg = signing_context();
  result.key = key_or_fatal(gpg, repo, config, request.key);
  auto created = create_approval(repo, gpg, result.key, root.repository, result.commit, request.comment);
  if (!created) {
    environment_error(created.error().message);
  }
  result.created = std::move(*created);
  const Maintainer* maintainer = root.maintainers.by_fingerprint(result.key.fingerprint);
  if (maintainer == nullptr) {
    result.warnings.push_back(fmt::format("key {} belongs to no maintainer in {} at {}: this approval will not count",
                                          result.key.fingerprint, root.maintainers_path, root.source));
  } else if (auto info = git::read_commit(repo, result.commit);
             info && root.approvals.exclude_author && maintainer->email == info->author.email) {
    result.warnings.emplace_back("you are this commit's author: your own approval will not count");
  }
  return result;
}

nlohmann::json to_json(const ApproveResult& result)
{
  nlohmann::json document = {
      {"ref", result.created.ref},    {"object", result.created.object.hex()}, {"fingerprint", result.key.fingerprint},
      {"signer", result.key.user_id}, {"replaced", result.created.replaced},   {"push", k_approvals_push_hint},
      {"warnings", result.warnings}};
  if (result.signoff) {
    document.update({{"release", result.release}, {"stage", result.stage}, {"tag", result.tag.hex()}});
  } else {
    document["commit"] = result.commit.hex();
  }
  return document;
}

std::vector<std::string> to_text(const ApproveResult& result)
{
  if (result.signoff) {
    return {fmt::format("{} {} for `{}` as {} (key {})", result.created.replaced ? "Signed off again" : "Signed off",
                        result.release, result.stage, result.key.user_id, result.key.fingerprint),
            "  " + result.created.ref};
  }
  return {fmt::format("{} {} as {} (key {})", result.created.replaced ? "Re-approved" : "Approved", result.commit.hex(),
                      result.key.user_id, result.key.fingerprint),
          "  " + result.created.ref};
}

} // namespace tollgate::core
