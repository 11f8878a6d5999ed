#pragma once
// `tollgate approve [REV]`: a maintainer's signed approval of exactly that commit, stored at
// refs/tollgate/approvals/<commit>/<fingerprint> (DESIGN.md §4); approving again replaces one's own.
// With a stage, a sign-off of the release tag REV for that stage instead (docs/stages.md).

#include "core/release/progress.hpp"
#include "core/trust/approvals.hpp"
#include "git/oid.hpp"
#include "gpg/context.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tollgate::core {

// How a maintainer shares approvals and sign-offs.
inline constexpr const char* k_approvals_push_hint = "git push origin 'refs/tollgate/*:refs/tollgate/*'";

struct ApproveRequest {
  std::string revision = "HEAD"; // with `stage`: the release tag
  std::string comment;
  std::string key;
  bool recover_trust_root = false;
  std::string stage; // "": an approval of the commit
};

struct ApproveResult {
  bool signoff = false;
  CreatedApproval created;
  gpg::KeyInfo key;
  std::vector<std::string> warnings; // why it will not count
  git::Oid commit;                   // an approval: the commit approved
  std::string release;               // a sign-off: the release and its tag object
  std::string stage;
  git::Oid tag;
};

// Signs and stores the approval or sign-off; Fatal(2) for what names nothing to approve, Fatal(3)
// when it cannot be signed or the trust root names no repository.
ApproveResult approve(const ApproveRequest& request, Progress& progress);

// The --json document of `result`.
nlohmann::json to_json(const ApproveResult& result);

// What it says on stdout before its warnings (the share hint comes after them).
std::vector<std::string> to_text(const ApproveResult& result);

} // namespace tollgate::core
