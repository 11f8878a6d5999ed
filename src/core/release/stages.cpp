#include "core/release/stages.hpp"

#include "core/trust/trust_root.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::core {

std::optional<std::size_t> StagePath::index_of(std::string_view name) const
{
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].name == name) {
      return i;
    }
  }
  return std::nullopt;
}

std::vector<std::string> StagePath::names() const
{
  std::vector<std::string> names;
  for (const auto& stage : stages) {
    names.push_back(stage.name);
  }
  return names;
}

nlohmann::json StagePath::to_json() const
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& stage : stages) {
    list.push_back(
        {{"name", stage.name}, {"soak", stage.soak}, {"signoffs", stage.signoffs}, {"verify", stage.verify}});
  }
  return list;
}

StagePath stage_path_of(const Config& config, std::string source)
{
  StagePath path;
  path.source = std::move(source);
  path.stages = config.release.stages;
  path.configured = !path.stages.empty();
  if (path.stages.empty()) {
    StageConfig stable;
    stable.name = config.release.stable_tag;
    stable.deploy = config.rollback.deploy;
    stable.timeout = config.rollback.timeout;
    path.stages.push_back(std::move(stable));
  }
  return path;
}

std::expected<StagePath, TrustRootError> stages_in_force(const git::Repository& repo, const Config& local,
                                                         const git::Oid& candidate)
{
  const auto error = [](int code, std::string message) {
    return std::unexpected(TrustRootError{code, std::move(message)});
  };
  auto root = trust_root_commit(repo, local, candidate);
  if (!root) {
    return std::unexpected(root.error());
  }
  auto text = git::read_file_at(repo, root->commit, k_config_file);
  if (!text) {
    return error(3, text.error().message);
  }
  if (!*text) {
    return stage_path_of(Config{}, root->source);
  }
  auto config = parse_config(**text, k_config_file);
  if (!config) {
    return error(2, fmt::format("{} (at {})", config.error().message, root->source));
  }
  // The stable tag's name is the work tree's (as everywhere): a stage path whose last stage is
  // another name is not this repository's.
  if (!config->release.stages.empty() && config->release.stages.back().name != local.release.stable_tag) {
    return error(2, fmt::format("release.stages at {} ends with `{}`, but release.stable_tag here is `{}`",
                                root->source, config->release.stages.back().name, local.release.stable_tag));
  }
  config->release.stable_tag = local.release.stable_tag;
  return stage_path_of(*config, root->source);
}

Result<std::optional<StageHolder>> read_stage(const git::Repository& repo, const std::string& stage)
{
  auto ref = git::read_ref(repo, "refs/tags/" + stage);
  if (!ref) {
    return std::unexpected(ref.error());
  }
  if (!*ref) {
    return std::optional<StageHolder>();
  }
  auto tag = git::read_tag(repo, **ref);
  if (!tag) {
    return fail(fmt::format("`{}` is not a signed tag object", stage));
  }
  auto record = parse_stable_message(tag->message);
  if (!record) {
    return fail(fmt::format("`{}` was not written by tollgate: {}", stage, record.error().message));
  }
  StageHolder holder{stage, **ref, std::move(*record), tag->target, tag->tagger ? tag->tagger->time : 0};
  return std::optional<StageHolder>(std::move(holder));
}

std::vector<StageEvent> stage_events(const std::vector<AuditEntry>& entries, const std::string& release_tag_hex,
                                     const std::string& stable_tag)
{
  std::vector<StageEvent> events;
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
    const nlohmann::json& event = entry->event;
    if (!event.is_object() || event.value("release_tag", "") != release_tag_hex) {
      continue;
    }
    const std::string kind = event.value("event", "");
    if (kind != "promote" && kind != "stage" && kind != "demote") {
      continue;
    }
    events.push_back(StageEvent{event.value("stage", stable_tag), kind, event.value("time", std::int64_t{0}), event});
  }
  return events;
}

std::string format_duration(std::int64_t seconds)
{
  if (seconds <= 0) {
    return "0s";
  }
  static constexpr std::pair<std::int64_t, const char*> k_units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  std::string text;
  int shown = 0;
  for (const auto& [size, unit] : k_units) {
    if (seconds >= size && shown < 2) {
      text += fmt::format("{}{}{}", text.empty() ? "" : " ", seconds / size, unit);
      seconds %= size;
      ++shown;
    } else if (shown > 0) {
      ++shown; // never "1d 5s": two adjacent units at most
    }
  }
  return text;
}

} // namespace tollgate::core
