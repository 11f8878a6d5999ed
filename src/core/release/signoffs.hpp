#pragma once
// Sign-offs (docs/stages.md): a maintainer's signed statement that a release may move to a stage,
// bound to the release tag object and the stage. A signed tag object whose target is the release
// tag object, stored at `refs/tollgate/signoffs/<stage>/<tag>/<fingerprint>`, counted like
// approvals: a good signature by a maintainer's unexpired, unrevoked key of the trust root, for
// this repository, this stage and this release tag object, one per maintainer.

#include "core/trust/approvals.hpp"
#include "core/trust/trust_root.hpp"
#include "git/oid.hpp"
#include "git/refs.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

inline constexpr std::string_view k_signoff_header = "tollgate signoff v1";
inline constexpr std::string_view k_signoffs_ref_prefix = "refs/tollgate/signoffs/";

struct SignoffMessage {
  std::string repository;
  std::string stage;
  std::string release; // "v1.4.0"
  git::Oid tag;        // the release tag object
  std::string comment;
};

//   tollgate signoff v1
//
//   repository: <identity>
//   stage: <stage>
//   release: <tag name>
//   tag: <release tag object, 40 hex>
//   comment: <text>          (only when there is one)
std::string format_signoff_message(const SignoffMessage& message);
Result<SignoffMessage> parse_signoff_message(std::string_view text);

// `refs/tollgate/signoffs/<stage>/<release>/<fingerprint>`.
std::string signoff_ref(std::string_view stage, std::string_view release, std::string_view fingerprint);

// What a release's sign-offs for a stage are worth. Each record's `commit` holds the release tag
// object it signs off.
struct SignoffReport {
  int required = 0;
  std::vector<ApprovalRecord> signoffs;
  int counted() const;
  bool satisfied() const { return counted() >= required; }
};

// Judges every sign-off filed for `release` (tag object `release_tag`) at `stage`, or only `only`.
Result<SignoffReport> evaluate_signoffs(const git::Repository& repo, const TrustRoot& root, const std::string& stage,
                                        const std::string& release, const git::Oid& release_tag, int required,
                                        const std::vector<git::Ref>* only = nullptr);

// Signs off `release` (tag object `release_tag`) for `stage` by `key` and points its ref at it.
Result<CreatedApproval> create_signoff(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                       const SignoffMessage& message);

} // namespace tollgate::core
