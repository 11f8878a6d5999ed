#pragma once
// The approval message (DESIGN.md §4, a contract); the identity it names is core/repository_identity.

#include "git/oid.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace tollgate::core {

inline constexpr std::string_view k_approval_header = "tollgate approval v1";
inline constexpr std::string_view k_approvals_ref_prefix = "refs/tollgate/approvals/";

struct ApprovalMessage {
  std::string repository;
  git::Oid commit;
  git::Oid tree;
  std::string comment; // one line; empty when none
};

//   tollgate approval v1
//
//   repository: <identity>
//   commit: <40 hex>
//   tree: <40 hex>
//   comment: <text>          (only when there is one)
std::string format_approval_message(const ApprovalMessage& message);

// Strict: the header line, a blank line, then `key: value` lines with `repository`, `commit` and
// `tree` exactly once and `comment` at most once; nothing else.
Result<ApprovalMessage> parse_approval_message(std::string_view text);

// `refs/tollgate/approvals/<commit>/<fingerprint>`.
std::string approval_ref(const git::Oid& commit, std::string_view fingerprint);

} // namespace tollgate::core
