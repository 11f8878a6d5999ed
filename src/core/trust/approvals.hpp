#pragma once
// Approvals (DESIGN.md §4): creating a maintainer's signed approval of one commit, and judging every
// approval found for a candidate against the trust root, each with the one reason it does or does
// not count.

#include "core/trust/signature_verifier.hpp"
#include "core/trust/trust_root.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tollgate::core {

enum class Verdict {
  counts,
  malformed,        // not a readable approval: a missing object, a blob, a foreign message
  unsigned_tag,     // an annotated tag without a signature
  bad_signature,    // altered after signing
  unknown_key,      // the key is not among the trust root's keys
  not_maintainer,   // the key is known but belongs to no maintainer
  revoked_key,      // the signing key is revoked
  expired_key,      // the signing key, or the signature, has expired
  wrong_target,     // the tag object points elsewhere than its message says
  other_commit,     // it approves another commit (or was filed under another commit's ref)
  other_tree,       // bind: tree, and its tree is not the candidate's
  other_repository, // it was made for another repository
  own_commit,       // the signer is the candidate's author
  duplicate,        // this maintainer is counted already
  misfiled,         // filed under another key's ref than the one that signed it
};
std::string_view to_string(Verdict verdict); // "bad-signature", ...

struct ApprovalPolicy {
  int required = 2;
  std::string bind = "commit"; // commit | tree
  bool exclude_author = true;
  std::vector<std::string> roles; // each must be held by the maintainer of at least one counted approval
};

struct ApprovalRecord {
  std::string ref;
  std::string object;      // the tag object id; empty when the ref points at nothing readable
  std::string fingerprint; // the signer's primary key, when known
  std::string maintainer;  // name, when the key belongs to one
  std::string email;
  std::vector<std::string> roles;
  std::string commit; // what its message approves
  std::string comment;
  std::int64_t signed_at = 0;
  Verdict verdict = Verdict::malformed;
  std::string reason; // one line
  bool counts() const { return verdict == Verdict::counts; }
};

struct ApprovalsReport {
  git::Oid candidate;
  git::Oid tree;
  git::Signature author;
  std::string trust_source;
  bool bootstrap = false;
  ApprovalPolicy policy;
  std::vector<ApprovalRecord> approvals;
  int counted() const;
  std::vector<std::string> missing_roles() const; // required roles no counted approval holds
  bool satisfied() const { return counted() >= policy.required && missing_roles().empty(); }
  std::string summary() const; // "2 of 2 required approvals", then ", none by a `security` maintainer"
  nlohmann::json to_json() const;
};

// The policy from the trust root, tightened (never loosened) by a check's own options: the larger
// `required`, `commit` over `tree`, and author exclusion if either asks for it.
ApprovalPolicy tighten(const ApprovalsConfig& trusted, const std::optional<int>& required,
                       const std::optional<std::string>& bind, const std::optional<bool>& exclude_author);

// Whether signature verdicts may come from (and go to) the per-user cache (core/verify_cache.hpp).
enum class VerdictCache { use, skip };

// Judges every approval of `candidate` (with bind: tree, also those of other commits with the
// same tree), or only the refs in `only` when given. Signatures are verified against the trust
// root's keys (core/signature_verifier.hpp: in-process by default); with `gpg.verify: gpgme` and
// VerdictCache::use, gpg's verdicts are cached per user, authenticated.
Result<ApprovalsReport> evaluate_approvals(const git::Repository& repo, const TrustRoot& root,
                                           const git::Oid& candidate, const ApprovalPolicy& policy,
                                           const std::vector<git::Ref>* only = nullptr,
                                           VerdictCache use = VerdictCache::use);

// Why a verified signature does not count (a verdict other than `counts` and its reason), or
// nullopt when it is good and neither it nor its key has expired at `now`.
std::optional<std::pair<Verdict, std::string>> signature_refusal(const SignatureVerdict& verification,
                                                                 std::int64_t now);

struct CreatedApproval {
  std::string ref;
  git::Oid object;
  bool replaced = false; // this key had approved this commit before
};

// Signs the approval of `commit` by secret key `key` (its primary fingerprint, `user_id` "Name
// <email>" becomes the tagger), writes the tag object and points its ref at it.
Result<CreatedApproval> create_approval(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                        const std::string& repository, const git::Oid& commit,
                                        const std::string& comment);

// Signs the tag object `payload` by `key`, writes it and points `ref` at it (`why`: the reflog's
// message); replacing what `ref` held is this key's own re-approval.
Result<CreatedApproval> write_signed_ref(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                         const std::string& payload, const std::string& ref, const std::string& why);

} // namespace tollgate::core
