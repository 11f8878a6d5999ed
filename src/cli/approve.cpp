// `tollgate approve [REV]`: a maintainer's GPG-signed approval of exactly that commit, stored at
// refs/tollgate/approvals/<commit>/<fingerprint> (DESIGN.md §4). Approving again replaces one's own.

#include "cli/common.hpp"
#include "cli/repository_support.hpp"
#include "core/approval_message.hpp"
#include "core/approvals.hpp"
#include "core/signing.hpp"
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
};

constexpr const char* k_push_hint = "git push origin 'refs/tollgate/*:refs/tollgate/*'";

int run_approve(const ApproveOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace();
  core::Config config = core::load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  const git::Oid commit = resolve_revision(repo, options.revision);
  if (options.recover_trust_root) {
    recover_trust_root_or_fatal(repo, config, globals.json);
  }
  const core::TrustRoot root = trust_root_or_fatal(repo, config, commit);
  if (root.repository.empty()) {
    environment_error("cannot tell which repository this is: set release.repository in tollgate.yaml or add an "
                      "`origin` remote (approvals name their repository so they cannot be replayed elsewhere)");
  }
  const gpg::Context gpg = signing_context();
  auto key = core::choose_signing_key(gpg, repo, options.key, config.release.signing_key);
  if (!key) {
    environment_error(key.error().message);
  }
  auto created = core::create_approval(repo, gpg, *key, root.repository, commit, options.comment);
  if (!created) {
    environment_error(created.error().message);
  }

  std::vector<std::string> warnings;
  const core::Maintainer* maintainer = root.maintainers.by_fingerprint(key->fingerprint);
  if (maintainer == nullptr) {
    warnings.push_back(fmt::format("key {} belongs to no maintainer in {} at {}: this approval will not count",
                                   key->fingerprint, root.maintainers_path, root.source));
  } else if (auto info = git::read_commit(repo, commit);
             info && root.approvals.exclude_author && maintainer->email == info->author.email) {
    warnings.push_back("you are this commit's author: your own approval will not count");
  }
  if (globals.json) {
    nlohmann::json warnings_json = warnings;
    print_json({{"commit", commit.hex()},
                {"ref", created->ref},
                {"object", created->object.hex()},
                {"fingerprint", key->fingerprint},
                {"signer", key->user_id},
                {"replaced", created->replaced},
                {"push", k_push_hint},
                {"warnings", warnings_json}});
    return exit_code::k_ok;
  }
  std::printf("%s %s as %s (key %s)\n", created->replaced ? "Re-approved" : "Approved", commit.hex().c_str(),
              key->user_id.c_str(), key->fingerprint.c_str());
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
  app.add_flag("--recover-trust-root", options->recover_trust_root,
               "The trust root at stable is broken: approve as a maintainer of the last usable one");
  return [options, &globals] { return run_approve(*options, globals); };
}

} // namespace tollgate::cli
