#pragma once
// The audit log `refs/tollgate/log`: a chain of signed commits, one per promotion or demotion, each
// holding the event as `event.json` in its tree and a one-line summary as its message. Pushed and
// fetched with `refs/tollgate/*` like approvals.

#include "git/objects.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

inline constexpr const char* k_audit_log_ref = "refs/tollgate/log";

struct AuditEntry {
  git::Oid commit;
  std::vector<git::Oid> parents;
  nlohmann::json event; // null when the entry holds no readable event.json
  std::string summary;
  std::string payload;   // what the signature covers
  std::string signature; // armored; empty when unsigned
};

// The identity git records for `key`'s first user id, at the current time and local offset.
git::Signature identity_of(const gpg::KeyInfo& key);

// Writes (does not point the ref at) a commit on top of `parent` holding `event`, signed by `key`.
Result<git::Oid> write_audit_entry(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                   const std::optional<git::Oid>& parent, const nlohmann::json& event,
                                   const std::string& summary);

// The log from `head` back to its first entry, newest first; `limit` 0 reads all of it.
Result<std::vector<AuditEntry>> read_audit_log(const git::Repository& repo, const git::Oid& head,
                                               std::size_t limit = 0);

} // namespace tollgate::core
