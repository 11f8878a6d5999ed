// `tollgate approve [REV]`: a maintainer's GPG-signed approval of exactly that commit, stored at
// refs/tollgate/approvals/<commit>/<fingerprint> (DESIGN.md §4). Approving again replaces one's own.

#include "cli/common.hpp"
#include "cli/repository_support.hpp"
#include "core/release/release_support.hpp"
#include "core/release/signoffs.hpp"
#include "core/release/stage_commands.hpp"
#include "core/trust/approval_message.hpp"
#include "core/trust/approvals.hpp"
#include "core/trust/promotion_record.hpp"
#include "core/trust/signing.hpp"
#include "git/objects.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::cli {

namespace {

struct ApproveOptions {
  std::string revision = "HEAD";
  std::string comment;
  std::string key;
  bool recover_trust_root = false;
  std::string stage; // --stage NAME: sign off the release tag REV for that stage (docs/stages.md)
};

constexpr const char* k_push_hint = "git push origin 'refs/tollgate/*:refs/tollgate/*'";

// Exit 3 unless the trust root names its repository: `what` names theirs so they cannot be replayed.
void require_identity(const core::TrustRoot& root, const std::string& what)
{
  if (root.repository.empty()) {
    environment_error(fmt::format("cannot tell which repository this is: set release.repository in tollgate.yaml or "
                                  "add an `origin` remote ({} name their repository so they cannot be replayed "
                                  "elsewhere)",
                                  what));
  }
}

// What `approve --json` says of an approval or sign-off it made.
nlohmann::json created_json(const core::CreatedApproval& created, const gpg::KeyInfo& key,
                            const std::vector<std::string>& warnings)
{
  return {{"ref", created.ref},    {"object", created.object.hex()}, {"fingerprint", key.fingerprint},
          {"signer", key.user_id}, {"replaced", created.replaced},   {"push", k_push_hint},
          {"warnings", warnings}};
}

gpg::KeyInfo key_or_fatal(const gpg::Context& gpg, const git::Repository& repo, const core::Config& config,
                          const std::string& key)
{
  auto chosen = core::choose_signing_key(gpg, repo, key, config.release.signing_key);
  if (!chosen) {
    environment_error(chosen.error().message);
  }
  return *chosen;
}

// `approve --stage NAME vX.Y.Z`: a sign-off of that release tag object for that stage.
int run_signoff(const ApproveOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace(core::WorkTree::optional);
  const core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  const std::string& release = options.revision;
  auto tag = git::read_ref(repo, "refs/tags/" + release);
  auto info = tag && *tag ? git::read_tag(repo, **tag) : Result<git::TagInfo>(fail("no tag"));
  if (!info || !core::parse_release_message(info->message)) {
    usage_error(fmt::format("`{}` is not a release tag tollgate made: name one, e.g. `tollgate approve --stage {} "
                            "v1.4.0`",
                            release, options.stage));
  }
  const core::StagePath path = core::stage_path_or_fatal(repo, config, info->target);
  if (core::stage_index_or_fatal(path, options.stage) == 0) {
    usage_error(
        fmt::format("`{}` is the first stage: a release enters it when it is cut, without sign-offs", options.stage));
  }
  const core::TrustRoot root = trust_root_or_fatal(repo, config, info->target);
  require_identity(root, "sign-offs");
  const gpg::Context gpg = signing_context();
  const gpg::KeyInfo key = key_or_fatal(gpg, repo, config, options.key);
  auto created =
      core::create_signoff(repo, gpg, key, {root.repository, options.stage, release, **tag, options.comment});
  if (!created) {
    environment_error(created.error().message);
  }
  std::vector<std::string> warnings;
  if (root.maintainers.by_fingerprint(key.fingerprint) == nullptr) {
    warnings.push_back(fmt::format("key {} belongs to no maintainer in {} at {}: this sign-off will not count",
                                   key.fingerprint, root.maintainers_path, root.source));
  }
  if (globals.json) {
    nlohmann::json document = created_json(*created, key, warnings);
    document.update({{"release", release}, {"stage", options.stage}, {"tag", (*tag)->hex()}});
    print_json(document);
    return exit_code::k_ok;
  }
  fmt::print("{} {} for `{}` as {} (key {})\n  {}\n", created->replaced ? "Signed off again" : "Signed off", release,
             options.stage, key.user_id, key.fingerprint, created->ref);
  for (const auto& warning : warnings) {
    std::fprintf(stderr, "tollgate: warning: %s\n", warning.c_str());
  }
  fmt::print("Share it: {}\n", k_push_hint);
  return exit_code::k_ok;
}

int run_approve(const ApproveOptions& options, const Globals& globals)
{
  if (!options.stage.empty()) {
    return run_signoff(options, globals);
  }
  const core::Workspace workspace = core::find_workspace();
  core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  const git::Oid commit = resolve_revision(repo, options.revision);
  if (options.recover_trust_root) {
    recover_trust_root_or_fatal(repo, config, globals.json);
  }
  const core::TrustRoot root = trust_root_or_fatal(repo, config, commit);
  require_identity(root, "approvals");
  const gpg::Context gpg = signing_context();
  const gpg::KeyInfo key = key_or_fatal(gpg, repo, config, options.key);
  auto created = core::create_approval(repo, gpg, key, root.repository, commit, options.comment);
  if (!created) {
    environment_error(created.error().message);
  }

  std::vector<std::string> warnings;
  const core::Maintainer* maintainer = root.maintainers.by_fingerprint(key.fingerprint);
  if (maintainer == nullptr) {
    warnings.push_back(fmt::format("key {} belongs to no maintainer in {} at {}: this approval will not count",
                                   key.fingerprint, root.maintainers_path, root.source));
  } else if (auto info = git::read_commit(repo, commit);
             info && root.approvals.exclude_author && maintainer->email == info->author.email) {
    warnings.push_back("you are this commit's author: your own approval will not count");
  }
  if (globals.json) {
    nlohmann::json document = created_json(*created, key, warnings);
    document["commit"] = commit.hex();
    print_json(document);
    return exit_code::k_ok;
  }
  std::printf("%s %s as %s (key %s)\n", created->replaced ? "Re-approved" : "Approved", commit.hex().c_str(),
              key.user_id.c_str(), key.fingerprint.c_str());
  std::printf("  %s\n", created->ref.c_str());
  for (const auto& warning : warnings) {
    std::fprintf(stderr, "tollgate: warning: %s\n", warning.c_str());
  }
  std::printf("Share it: %s\n", k_push_hint);
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_approve(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<ApproveOptions>();
  app.add_option("revision", options->revision, "The commit to approve (default: HEAD)")->type_name("REV");
  app.add_option("--comment", options->comment, "A one-line comment kept in the approval")->type_name("TEXT");
  app.add_option("--key", options->key, "Sign with this secret key (fingerprint, key id or email)")->type_name("FPR");
  app.add_option("--stage", options->stage,
                 "Sign off the release tag REV for stage NAME instead (refs/tollgate/signoffs/, docs/stages.md)")
      ->type_name("NAME");
  app.add_flag("--recover-trust-root", options->recover_trust_root,
               "The trust root at stable is broken: approve as a maintainer of the last usable one");
  return [options, &globals] { return run_approve(*options, globals); };
}

} // namespace tollgate::cli
