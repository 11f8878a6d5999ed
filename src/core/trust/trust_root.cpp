#include "core/trust/trust_root.hpp"

#include "core/config/repository_identity.hpp"
#include "core/trust/approval_message.hpp"
#include "core/trust/audit_log.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "util/sha256.hpp"

#include <fmt/format.h>

namespace tollgate::core {

namespace {

std::unexpected<TrustRootError> trust_error(int exit_code, std::string message)
{
  return std::unexpected(TrustRootError{exit_code, std::move(message)});
}

// With stages (docs/stages.md), releases exist before one reaches `stable`: until then the trust
// root is the first release, the one the bootstrap promotion cut. nullopt when the audit log shows
// that `stable` moved before (its tag was deleted since: refused by the caller).
std::optional<TrustRootCommit> first_release_root(const git::Repository& repo, const git::Oid& log_head,
                                                  const std::string& stable_tag)
{
  auto entries = read_audit_log(repo, log_head);
  if (!entries || entries->empty()) {
    return std::nullopt;
  }
  for (const auto& entry : *entries) {
    if (!entry.event.is_object() || entry.event.value("stage", stable_tag) == stable_tag) {
      return std::nullopt;
    }
  }
  const nlohmann::json& first = entries->back().event;
  auto commit = git::Oid::parse(first.value("commit", ""));
  if (first.value("event", "") != "promote" || !commit || !git::exists(repo, *commit)) {
    return std::nullopt;
  }
  TrustRootCommit root;
  root.commit = *commit;
  root.source = fmt::format("{} ({}), the first release: none has reached `{}` yet", first.value("release", "?"),
                            commit->short_hex(), stable_tag);
  return root;
}

} // namespace

std::expected<TrustRootCommit, TrustRootError> trust_root_commit(const git::Repository& repo, const Config& local,
                                                                 const git::Oid& candidate)
{
  TrustRootCommit root;
  if (local.trust_root_override) {
    root.commit = local.trust_root_override->commit;
    root.source = local.trust_root_override->source;
    return root;
  }
  const std::string stable_ref = "refs/tags/" + local.release.stable_tag;
  auto stable = git::read_ref(repo, stable_ref);
  if (!stable) {
    return trust_error(3, stable.error().message);
  }
  if (*stable) {
    auto commit = git::peel_to_commit(repo, **stable);
    if (!commit) {
      return trust_error(3, fmt::format("{} does not point at a commit: {}", stable_ref, commit.error().message));
    }
    root.commit = *commit;
    root.source = fmt::format("{} ({})", local.release.stable_tag, commit->short_hex());
  } else {
    // A candidate whose tollgate.yaml renames the stable tag must not get the bootstrap path when
    // releases exist: the audit log or the default tag says they do.
    auto log = git::read_ref(repo, "refs/tollgate/log");
    auto default_stable = git::read_ref(repo, "refs/tags/stable");
    if (log && *log && !(default_stable && *default_stable && local.release.stable_tag != "stable")) {
      if (auto first = first_release_root(repo, **log, local.release.stable_tag)) {
        return *first;
      }
    }
    if ((log && *log) || (default_stable && *default_stable)) {
      return trust_error(3, fmt::format("there is no tag `{}`, yet this repository has releases (refs/tollgate/log or "
                                        "refs/tags/stable exist): refusing to read the trust root from the candidate",
                                        local.release.stable_tag));
    }
    root.bootstrap = true;
    root.commit = candidate;
    root.source =
        fmt::format("candidate {} (bootstrap: no `{}` tag yet)", candidate.short_hex(), local.release.stable_tag);
  }
  return root;
}

std::expected<TrustRoot, TrustRootError> load_trust_root(const git::Repository& repo, const Config& local,
                                                         const git::Oid& candidate)
{
  auto root = trust_root_commit(repo, local, candidate);
  if (!root) {
    return std::unexpected(root.error());
  }
  return load_trust_root_at(repo, local, root->commit, root->bootstrap, root->source);
}

std::expected<TrustRoot, TrustRootError> load_trust_root_at(const git::Repository& repo, const Config& local,
                                                            const git::Oid& commit, bool bootstrap,
                                                            const std::string& source)
{
  TrustRoot root;
  root.commit = commit;
  root.bootstrap = bootstrap;
  root.source = source;
  root.verify = local.gpg.verify;
  std::string at = fmt::format(" (at {})", root.bootstrap ? root.commit.short_hex() : root.source);
  if (!bootstrap && !local.trust_root_override && source.starts_with(local.release.stable_tag + " (")) {
    at += "; the trust root at stable is broken: `--recover-trust-root` (approve, promote) releases a fix "
          "approved under the last usable one";
  }

  // The approvals policy and the repository identity come from tollgate.yaml at the trust root.
  Config trusted = local;
  auto config_text = git::read_file_at(repo, root.commit, k_config_file);
  if (!config_text) {
    return trust_error(3, config_text.error().message);
  }
  if (*config_text) {
    auto parsed = parse_config(**config_text, k_config_file);
    if (!parsed) {
      return trust_error(2, parsed.error().message + at);
    }
    trusted = std::move(*parsed);
  }
  root.approvals = trusted.approvals;
  if (!trusted.release.repository.empty()) {
    root.repository = normalise_repository(trusted.release.repository);
  } else if (auto origin = git::remote_url(repo, "origin")) {
    root.repository = normalise_repository(*origin);
  }

  root.maintainers_path = root.approvals.maintainers;
  auto maintainers_text = git::read_file_at(repo, root.commit, root.maintainers_path);
  if (!maintainers_text) {
    return trust_error(3, maintainers_text.error().message);
  }
  if (!*maintainers_text) {
    return trust_error(2, fmt::format("{}: not found{}; `tollgate init` writes an example", root.maintainers_path, at));
  }
  auto maintainers = parse_maintainers(**maintainers_text, root.maintainers_path);
  if (!maintainers) {
    return trust_error(2, maintainers.error().message + at);
  }
  root.maintainers = std::move(*maintainers);

  auto files = git::read_dir_at(repo, root.commit, k_keys_dir);
  if (!files) {
    return trust_error(3, files.error().message);
  }
  for (auto& [name, text] : *files) {
    if (name.ends_with(".asc")) {
      root.keys.push_back(gpg::ArmoredKey{std::string(k_keys_dir) + "/" + name, std::move(text)});
    }
  }

  util::Sha256 hash;
  hash.update_field(root.repository).update_field(**maintainers_text);
  hash.update_field(std::to_string(root.approvals.required)).update_field(root.approvals.bind);
  hash.update_field(root.approvals.exclude_author ? "exclude-author" : "author-may-approve");
  for (const auto& key : root.keys) {
    hash.update_field(key.name).update_field(key.text);
  }
  root.digest = hash.hex();
  return root;
}

} // namespace tollgate::core
