#include "core/trust/audit_log.hpp"

#include "git/write.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <ctime>

namespace tollgate::core {

git::Signature identity_of(const gpg::KeyInfo& key)
{
  git::Signature who;
  const std::size_t open = key.user_id.rfind('<');
  const std::size_t close = key.user_id.rfind('>');
  if (open != std::string::npos && close != std::string::npos && open < close) {
    who.name = std::string(util::trim(std::string_view(key.user_id).substr(0, open)));
    who.email = key.user_id.substr(open + 1, close - open - 1);
  } else {
    who.name = key.user_id;
  }
  if (who.name.empty()) {
    who.name = key.fingerprint;
  }
  who.time = std::time(nullptr);
  std::tm local{};
  localtime_r(&who.time, &local);
  who.offset = static_cast<int>(local.tm_gmtoff / 60);
  return who;
}

Result<git::Oid> write_audit_entry(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                   const std::optional<git::Oid>& parent, const nlohmann::json& event,
                                   const std::string& summary)
{
  auto tree = git::tree_of_files(repo, {{"event.json", event.dump(2) + "\n"}});
  if (!tree) {
    return tree;
  }
  const git::Signature who = identity_of(key);
  std::vector<git::Oid> parents;
  if (parent) {
    parents.push_back(*parent);
  }
  auto buffer = git::commit_buffer(repo, *tree, parents, who, who, summary + "\n");
  if (!buffer) {
    return std::unexpected(buffer.error());
  }
  auto signature = gpg.sign_detached(*buffer, key.fingerprint);
  if (!signature) {
    return std::unexpected(signature.error());
  }
  return git::write_commit(repo, *buffer, *signature);
}

Result<std::vector<AuditEntry>> read_audit_log(const git::Repository& repo, const git::Oid& head, std::size_t limit)
{
  std::vector<AuditEntry> entries;
  std::optional<git::Oid> next = head;
  while (next && (limit == 0 || entries.size() < limit)) {
    auto commit = git::read_commit(repo, *next);
    if (!commit) {
      return std::unexpected(commit.error());
    }
    AuditEntry entry;
    entry.commit = *next;
    entry.parents = commit->parents;
    entry.summary = commit->summary();
    auto text = git::read_file_at(repo, *next, "event.json");
    if (text && *text) {
      entry.event = nlohmann::json::parse(**text, nullptr, false);
      if (entry.event.is_discarded()) {
        entry.event = nullptr;
      }
    }
    auto signed_commit = git::split_commit_signature(repo, *next);
    if (!signed_commit) {
      return std::unexpected(signed_commit.error());
    }
    entry.payload = std::move(signed_commit->payload);
    entry.signature = std::move(signed_commit->signature);
    next = commit->parents.empty() ? std::nullopt : std::optional<git::Oid>(commit->parents.front());
    entries.push_back(std::move(entry));
  }
  return entries;
}

} // namespace tollgate::core
