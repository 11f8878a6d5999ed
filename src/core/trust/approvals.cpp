#include "core/trust/approvals.hpp"

#include "core/config/repository_identity.hpp"
#include "core/trust/approval_message.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/signature_verifier.hpp"
#include "core/trust/state_key.hpp"
#include "core/trust/verify_cache.hpp"
#include "git/refs.hpp"
#include "git/signed_tag.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

namespace tollgate::core {

namespace {

// An approval read from its ref, before its signature is judged.
struct Candidate {
  ApprovalRecord record;
  git::Oid object;
  std::string raw;       // the tag object's bytes
  std::size_t split = 0; // where its signature starts
  std::optional<SignatureVerdict> verification;
  std::string filed_commit; // the <commit> part of its ref
  std::string filed_key;    // the <fingerprint> part of its ref
};

void reject(ApprovalRecord& record, Verdict verdict, std::string reason)
{
  record.verdict = verdict;
  record.reason = std::move(reason);
}

// Reads the ref's object and splits it; anything unreadable is judged here, as malformed or unsigned.
Candidate read_candidate(const git::Repository& repo, const git::Ref& ref)
{
  Candidate item;
  item.record.ref = ref.name;
  item.record.verdict = Verdict::malformed;
  const std::string_view rest = std::string_view(ref.name).substr(k_approvals_ref_prefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || !git::Oid::is_hex40(rest.substr(0, slash)) ||
      !git::Oid::is_hex40(rest.substr(slash + 1))) {
    reject(item.record, Verdict::malformed, "not an approval ref (expected <commit>/<fingerprint>)");
    return item;
  }
  item.filed_commit = std::string(rest.substr(0, slash));
  item.filed_key = std::string(rest.substr(slash + 1));
  item.object = ref.target;
  auto raw = git::read_raw(repo, ref.target);
  if (!raw) {
    reject(item.record, Verdict::malformed, fmt::format("points at a missing object {}", ref.target.short_hex()));
    return item;
  }
  item.record.object = ref.target.hex();
  if (raw->type != GIT_OBJECT_TAG) {
    reject(item.record, Verdict::malformed,
           fmt::format("is a {}, not a signed tag object", git_object_type2string(raw->type)));
    return item;
  }
  item.raw = std::move(raw->data);
  const auto parts = git::split_signature(item.raw);
  if (parts.signature.empty()) {
    reject(item.record, Verdict::unsigned_tag, "the tag object is not signed");
    return item;
  }
  item.split = parts.payload.size();
  item.record.verdict = Verdict::counts; // provisional: judged after verification
  return item;
}

// Verifies every item the cache (if any) does not know.
Result<void> verify_pending(std::vector<Candidate>& items, const TrustRoot& root, const VerifyCache* cache)
{
  std::vector<Candidate*> pending;
  std::vector<SignedBytes> signed_bytes;
  for (auto& item : items) {
    if (item.record.verdict != Verdict::counts) {
      continue;
    }
    if (cache != nullptr) {
      item.verification = cache->find(item.object);
    }
    if (!item.verification) {
      pending.push_back(&item);
      const std::string_view raw = item.raw;
      signed_bytes.push_back(SignedBytes{raw.substr(0, item.split), raw.substr(item.split)});
    }
  }
  if (pending.empty()) {
    return {};
  }
  auto verifier = SignatureVerifier::open(root.keys, root.digest, root.verify);
  if (!verifier) {
    return std::unexpected(verifier.error());
  }
  auto verdicts = verifier->verify(signed_bytes);
  if (!verdicts) {
    return std::unexpected(verdicts.error());
  }
  for (std::size_t i = 0; i < pending.size(); ++i) {
    pending[i]->verification = std::move((*verdicts)[i]);
    if (cache != nullptr) {
      cache->store(pending[i]->object, *pending[i]->verification);
    }
  }
  return {};
}

std::string short_key(std::string_view fingerprint)
{
  return fingerprint.size() > 16 ? std::string(fingerprint.substr(fingerprint.size() - 16)) : std::string(fingerprint);
}

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Everything after the signature check, in the order that gives the most telling reason first.
void judge(Candidate& item, const TrustRoot& root, const ApprovalsReport& report, std::set<std::string>& counted,
           std::int64_t now)
{
  ApprovalRecord& record = item.record;
  const SignatureVerdict& verification = *item.verification;
  record.fingerprint = verification.primary;
  record.signed_at = verification.created;
  if (auto refused = signature_refusal(verification, now)) {
    return reject(record, refused->first, std::move(refused->second));
  }
  const Maintainer* maintainer = root.maintainers.by_fingerprint(verification.primary);
  if (maintainer == nullptr) {
    return reject(record, Verdict::not_maintainer,
                  fmt::format("key {} belongs to no maintainer in {} at {}", short_key(verification.primary),
                              root.maintainers_path, root.source));
  }
  record.maintainer = maintainer->name;
  record.email = maintainer->email;
  record.roles = maintainer->roles;
  const std::string_view raw = item.raw;
  auto header = git::parse_tag_payload(raw.substr(0, item.split));
  if (!header) {
    return reject(record, Verdict::malformed, header.error().message);
  }
  auto message = parse_approval_message(header->message);
  if (!message) {
    return reject(record, Verdict::malformed, message.error().message);
  }
  record.commit = message->commit.hex();
  record.comment = message->comment;
  if (header->type != "commit" || header->object != message->commit) {
    return reject(record, Verdict::wrong_target,
                  fmt::format("its tag object targets {} but its message approves {}", header->object.short_hex(),
                              message->commit.short_hex()));
  }
  if (!equal_ignoring_case(item.filed_key, verification.primary)) {
    return reject(
        record, Verdict::misfiled,
        fmt::format("filed under key {} but signed by {}", short_key(item.filed_key), short_key(verification.primary)));
  }
  if (item.filed_commit != record.commit) {
    return reject(record, Verdict::other_commit,
                  fmt::format("a copy: filed under {} but it approves {}", item.filed_commit.substr(0, 7),
                              message->commit.short_hex()));
  }
  if (report.policy.bind == "tree") {
    if (message->tree != report.tree) {
      return reject(record, Verdict::other_tree,
                    fmt::format("it approves tree {}, not the candidate's {}", message->tree.short_hex(),
                                report.tree.short_hex()));
    }
  } else if (message->commit != report.candidate) {
    return reject(record, Verdict::other_commit,
                  fmt::format("it approves another commit, {}", message->commit.short_hex()));
  }
  if (root.repository.empty() || normalise_repository(message->repository) != root.repository) {
    return reject(record, Verdict::other_repository,
                  fmt::format("made for repository `{}`, this is `{}`", message->repository, root.repository));
  }
  if (report.policy.exclude_author && equal_ignoring_case(maintainer->email, report.author.email)) {
    return reject(record, Verdict::own_commit,
                  fmt::format("{} is the candidate's author and cannot approve their own commit", maintainer->name));
  }
  if (!counted.insert(maintainer->name + '\n' + maintainer->email).second) {
    return reject(record, Verdict::duplicate,
                  fmt::format("{} is counted already (one approval per maintainer)", maintainer->name));
  }
  record.verdict = Verdict::counts;
  record.reason = "counts";
}

// The approval refs to judge: the candidate's, and with bind: tree those of commits with its tree.
Result<std::vector<git::Ref>> approval_refs(const git::Repository& repo, const ApprovalsReport& report)
{
  if (report.policy.bind != "tree") {
    return git::list_refs_under(repo, fmt::format("{}{}/", k_approvals_ref_prefix, report.candidate.hex()));
  }
  auto all = git::list_refs(repo, std::string(k_approvals_ref_prefix) + "*");
  if (!all) {
    return all;
  }
  std::vector<git::Ref> refs;
  std::map<std::string, bool> same_tree; // commit hex -> whether its tree is the candidate's
  for (auto& ref : *all) {
    const std::string_view rest = std::string_view(ref.name).substr(k_approvals_ref_prefix.size());
    const std::string commit(rest.substr(0, rest.find('/')));
    auto [it, inserted] = same_tree.emplace(commit, false);
    if (inserted) {
      if (commit == report.candidate.hex()) {
        it->second = true;
      } else if (auto id = git::Oid::parse(commit)) {
        auto info = git::read_commit(repo, *id);
        it->second = info && info->tree == report.tree;
      }
    }
    if (it->second) {
      refs.push_back(std::move(ref));
    }
  }
  return refs;
}

} // namespace

std::optional<std::pair<Verdict, std::string>> signature_refusal(const SignatureVerdict& verification, std::int64_t now)
{
  const auto refusal = [](Verdict verdict, std::string reason) {
    return std::optional<std::pair<Verdict, std::string>>(std::pair(verdict, std::move(reason)));
  };
  switch (verification.state) {
  case gpg::SignatureState::good:
    break;
  case gpg::SignatureState::bad:
    return refusal(Verdict::bad_signature, "bad signature: the approval was altered after it was signed");
  case gpg::SignatureState::unknown_key:
    return refusal(Verdict::unknown_key, fmt::format("unknown key {}: not among the trust root's {}",
                                                     short_key(verification.primary), k_keys_dir));
  case gpg::SignatureState::revoked_key:
    return refusal(Verdict::revoked_key, fmt::format("signed with revoked key {}", short_key(verification.primary)));
  case gpg::SignatureState::expired_key:
    return refusal(Verdict::expired_key, fmt::format("signed with expired key {}", short_key(verification.primary)));
  case gpg::SignatureState::expired_signature:
    return refusal(Verdict::expired_key, "the signature has expired");
  }
  if (verification.key_expires != 0 && verification.key_expires <= now) {
    return refusal(Verdict::expired_key, fmt::format("key {} has expired", short_key(verification.primary)));
  }
  if (verification.expires != 0 && verification.expires <= now) {
    return refusal(Verdict::expired_key, "the signature has expired");
  }
  return std::nullopt;
}

std::string_view to_string(Verdict verdict)
{
  switch (verdict) {
  case Verdict::counts:
    return "counts";
  case Verdict::malformed:
    return "malformed";
  case Verdict::unsigned_tag:
    return "unsigned";
  case Verdict::bad_signature:
    return "bad-signature";
  case Verdict::unknown_key:
    return "unknown-key";
  case Verdict::not_maintainer:
    return "not-a-maintainer";
  case Verdict::revoked_key:
    return "revoked-key";
  case Verdict::expired_key:
    return "expired-key";
  case Verdict::wrong_target:
    return "wrong-target";
  case Verdict::other_commit:
    return "other-commit";
  case Verdict::other_tree:
    return "other-tree";
  case Verdict::other_repository:
    return "other-repository";
  case Verdict::own_commit:
    return "own-commit";
  case Verdict::duplicate:
    return "duplicate";
  case Verdict::misfiled:
    return "misfiled";
  }
  return "malformed";
}

int ApprovalsReport::counted() const
{
  return static_cast<int>(std::count_if(approvals.begin(), approvals.end(), [](const auto& a) { return a.counts(); }));
}

std::vector<std::string> ApprovalsReport::missing_roles() const
{
  std::vector<std::string> missing;
  for (const auto& role : policy.roles) {
    const bool held = std::any_of(approvals.begin(), approvals.end(), [&](const ApprovalRecord& approval) {
      return approval.counts() && std::find(approval.roles.begin(), approval.roles.end(), role) != approval.roles.end();
    });
    if (!held) {
      missing.push_back(role);
    }
  }
  return missing;
}

std::string ApprovalsReport::summary() const
{
  std::string text =
      fmt::format("{} of {} required approval{}", counted(), policy.required, policy.required == 1 ? "" : "s");
  for (const auto& role : missing_roles()) {
    text += fmt::format(", none by a `{}` maintainer", role);
  }
  return text;
}

nlohmann::json ApprovalsReport::to_json() const
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& approval : approvals) {
    list.push_back({{"ref", approval.ref},
                    {"object", approval.object},
                    {"name", approval.maintainer},
                    {"email", approval.email},
                    {"fingerprint", approval.fingerprint},
                    {"roles", approval.roles},
                    {"commit", approval.commit},
                    {"comment", approval.comment},
                    {"signed_at", approval.signed_at},
                    {"counts", approval.counts()},
                    {"verdict", to_string(approval.verdict)},
                    {"reason", approval.reason}});
  }
  return {{"candidate", candidate.hex()},
          {"tree", tree.hex()},
          {"author", {{"name", author.name}, {"email", author.email}}},
          {"trust_root", trust_source},
          {"bootstrap", bootstrap},
          {"required", policy.required},
          {"bind", policy.bind},
          {"exclude_author", policy.exclude_author},
          {"roles", policy.roles},
          {"missing_roles", missing_roles()},
          {"counted", counted()},
          {"satisfied", satisfied()},
          {"approvals", list}};
}

ApprovalPolicy tighten(const ApprovalsConfig& trusted, const std::optional<int>& required,
                       const std::optional<std::string>& bind, const std::optional<bool>& exclude_author)
{
  ApprovalPolicy policy{trusted.required, trusted.bind, trusted.exclude_author, trusted.roles};
  policy.required = std::max(policy.required, required.value_or(0));
  if (bind && *bind == "commit") {
    policy.bind = "commit";
  }
  policy.exclude_author = policy.exclude_author || exclude_author.value_or(false);
  return policy;
}

Result<ApprovalsReport> evaluate_approvals(const git::Repository& repo, const TrustRoot& root,
                                           const git::Oid& candidate, const ApprovalPolicy& policy,
                                           const std::vector<git::Ref>* only, VerdictCache use)
{
  ApprovalsReport report;
  report.candidate = candidate;
  report.policy = policy;
  report.trust_source = root.source;
  report.bootstrap = root.bootstrap;
  auto commit = git::read_commit(repo, candidate);
  if (!commit) {
    return std::unexpected(commit.error());
  }
  report.tree = commit->tree;
  report.author = commit->author;

  auto refs = only != nullptr ? Result<std::vector<git::Ref>>(*only) : approval_refs(repo, report);
  if (!refs) {
    return std::unexpected(refs.error());
  }
  std::vector<Candidate> items;
  items.reserve(refs->size());
  for (const auto& ref : *refs) {
    items.push_back(read_candidate(repo, ref));
  }
  // Only gpg's verdicts are worth caching (a process each); RNP's take microseconds, less than
  // reading and authenticating a cached one (bench/approvals.sh).
  const bool cached = use == VerdictCache::use && root.verify == VerifyBackend::gpgme;
  const std::optional<VerifyCache> cache = cached ? VerifyCache::for_user(root.digest) : std::optional<VerifyCache>();
  if (auto verified = verify_pending(items, root, cache ? &*cache : nullptr); !verified) {
    return std::unexpected(verified.error());
  }
  std::set<std::string> counted;
  const std::int64_t now = std::time(nullptr);
  for (auto& item : items) {
    if (item.record.verdict == Verdict::counts) {
      judge(item, root, report, counted, now);
    }
    report.approvals.push_back(std::move(item.record));
  }
  return report;
}

Result<CreatedApproval> create_approval(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                        const std::string& repository, const git::Oid& commit,
                                        const std::string& comment)
{
  auto info = git::read_commit(repo, commit);
  if (!info) {
    return std::unexpected(info.error());
  }
  const ApprovalMessage message{repository, commit, info->tree, comment};
  const git::Signature tagger = identity_of(key);
  const std::string payload = git::tag_payload(commit, "commit", fmt::format("approval-{}", commit.hex()), tagger,
                                               format_approval_message(message));
  return write_signed_ref(repo, gpg, key, payload, approval_ref(commit, key.fingerprint), "tollgate approve");
}

Result<CreatedApproval> write_signed_ref(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                         const std::string& payload, const std::string& ref, const std::string& why)
{
  auto signature = gpg.sign_detached(payload, key.fingerprint);
  if (!signature) {
    return std::unexpected(signature.error());
  }
  auto object = git::write_raw(repo, payload + *signature, GIT_OBJECT_TAG);
  if (!object) {
    return std::unexpected(object.error());
  }
  CreatedApproval created;
  created.ref = ref;
  created.object = *object;
  auto previous = git::read_ref(repo, created.ref);
  if (!previous) {
    return std::unexpected(previous.error());
  }
  created.replaced = previous->has_value();
  if (auto updated = git::update_ref(repo, created.ref, *object, *previous, why); !updated) {
    return std::unexpected(updated.error());
  }
  return created;
}

} // namespace tollgate::core
