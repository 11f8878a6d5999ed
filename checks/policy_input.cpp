#include "checks/policy_input.hpp"

#include "changelog/message.hpp"

#include "checks/env_sources.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/revwalk.hpp"
#include "util/file.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace tollgate::checks {

namespace {

constexpr std::size_t k_max_commits = 1000;

// The results of earlier checks of one kind (the first that ran), or null.
const nlohmann::json* earlier_of_kind(const Context& context, std::string_view kind)
{
  for (const auto& [id, entry] : context.earlier.items()) {
    if (entry.value("kind", "") == kind && entry.value("status", "") != "skipped") {
      return &entry;
    }
  }
  return nullptr;
}

std::optional<long long> to_integer(const std::string& text)
{
  long long value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// SANDBOX_* limits: from the sandbox-limits check when it ran, else `.env`, else tollgate.yaml.
nlohmann::json sandbox_of(const Context& context)
{
  static const char* const k_names[] = {"SANDBOX_CPU_SEC", "SANDBOX_MEM_MB"};
  if (const auto* check = earlier_of_kind(context, "sandbox-limits")) {
    nlohmann::json sandbox = nlohmann::json::object();
    const auto& details = (*check)["details"];
    for (const char* name : k_names) {
      if (details.contains(name)) {
        sandbox[name] = details[name];
      }
    }
    sandbox["source"] = details.value("source", "");
    return sandbox;
  }
  std::ifstream in(context.root / ".env", std::ios::binary);
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    if (auto assignments = checks::parse_dotenv(text.str(), ".env")) {
      nlohmann::json sandbox = nlohmann::json::object();
      for (const auto& assignment : *assignments) {
        for (const char* name : k_names) {
          if (assignment.key == name) {
            const auto value = to_integer(assignment.value);
            sandbox[name] = value ? nlohmann::json(*value) : nlohmann::json(assignment.value);
          }
        }
      }
      if (!sandbox.empty()) {
        sandbox["source"] = ".env";
        return sandbox;
      }
    }
  }
  if (context.config != nullptr) {
    return {{"SANDBOX_CPU_SEC", context.config->sandbox.cpu_sec},
            {"SANDBOX_MEM_MB", context.config->sandbox.mem_mb},
            {"source", "tollgate.yaml"}};
  }
  return nlohmann::json::object();
}

// Results of the checks that ran before: status, summary, seconds, and their details' scalars.
nlohmann::json checks_of(const Context& context)
{
  nlohmann::json checks = nlohmann::json::object();
  for (const auto& [id, entry] : context.earlier.items()) {
    nlohmann::json out = {{"kind", entry.value("kind", "")},
                          {"status", entry.value("status", "")},
                          {"summary", entry.value("summary", "")},
                          {"seconds", entry.value("seconds", 0.0)}};
    if (entry.contains("details") && entry["details"].is_object()) {
      for (const auto& [key, value] : entry["details"].items()) {
        if (!out.contains(key) && !value.is_structured()) {
          out[key] = value;
        }
      }
    }
    checks[id] = out;
  }
  return checks;
}

} // namespace

nlohmann::json conventional_commit(const std::string& message)
{
  const changelog::Message parsed = changelog::parse_message(message);
  const bool conventional = parsed.kind == changelog::MessageKind::conventional;
  const std::string subject = conventional ? parsed.description : message.substr(0, message.find('\n'));
  return {{"type", conventional ? parsed.type : std::string()},
          {"scope", conventional ? parsed.scope : std::string()},
          {"breaking", conventional && parsed.breaking},
          {"subject", subject}};
}

Result<nlohmann::json> build_policy_input(const Context& context)
{
  auto opened = open_candidate(context);
  if (!opened) {
    return std::unexpected(opened.error());
  }
  const git::Repository& repo = opened->repo;
  const git::Oid& candidate = opened->commit;
  auto commit = git::read_commit(repo, candidate);
  if (!commit) {
    return std::unexpected(commit.error());
  }
  nlohmann::json input;
  input["candidate"] = {{"commit", commit->id.hex()},
                        {"tree", commit->tree.hex()},
                        {"author", {{"name", commit->author.name}, {"email", commit->author.email}}},
                        {"message", commit->message}};

  // The base: the current stable release, when there is one.
  const std::string stable_tag = context.config != nullptr ? context.config->release.stable_tag : "stable";
  std::optional<git::Oid> base;
  if (auto stable = git::resolve_commit(repo, "refs/tags/" + stable_tag)) {
    base = *stable;
    input["base"] = {{"stable", stable_tag}, {"commit", stable->hex()}};
  }

  auto changed = git::changed_paths(repo, base, candidate);
  if (!changed) {
    return std::unexpected(changed.error());
  }
  input["changed_files"] = *changed;
  // A changed path absent at the base was added (deleted paths exist only at the base).
  auto added = nlohmann::json::array();
  for (const auto& path : *changed) {
    bool existed = false;
    if (base) {
      auto before = git::read_file_at(repo, *base, path);
      existed = !before || before->has_value();
    }
    if (!existed) {
      added.push_back(path);
    }
  }
  input["added_files"] = added;

  auto walk = git::Revwalk::create(repo);
  if (!walk) {
    return std::unexpected(walk.error());
  }
  if (auto pushed = walk->push(candidate); !pushed) {
    return std::unexpected(pushed.error());
  }
  if (base) {
    if (auto hidden = walk->hide(*base); !hidden) {
      return std::unexpected(hidden.error());
    }
  }
  auto commits = nlohmann::json::array();
  while (auto id = walk->next()) {
    if (commits.size() >= k_max_commits) {
      break;
    }
    auto info = git::read_commit(repo, *id);
    if (!info) {
      return std::unexpected(info.error());
    }
    nlohmann::json entry = conventional_commit(info->message);
    entry["sha"] = id->hex();
    commits.push_back(entry);
  }
  if (walk->error()) {
    return std::unexpected(*walk->error());
  }
  input["commits"] = commits;

  const auto* approvals = earlier_of_kind(context, "approvals");
  input["approvals"] = approvals != nullptr && (*approvals)["details"].contains("approvals")
                           ? (*approvals)["details"]["approvals"]
                           : nlohmann::json::array();
  input["sandbox"] = sandbox_of(context);
  input["checks"] = checks_of(context);
  // The release this candidate calls for, when a `changelog` check ran before.
  if (const auto* changelog = earlier_of_kind(context, "changelog")) {
    const nlohmann::json& details = (*changelog)["details"];
    if (details.contains("next") && !details["next"].is_null()) {
      input["version"] = {{"previous", details.value("previous", nlohmann::json())},
                          {"next", details["next"]},
                          {"bump", details.value("bump", "")}};
    }
  }
  return input;
}

} // namespace tollgate::checks
