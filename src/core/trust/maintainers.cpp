#include "core/trust/maintainers.hpp"

#include "core/config/yaml_reader.hpp"
#include "util/memo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <strings.h>

namespace tollgate::core {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// "3aa5 c343 ..." -> "3AA5C343..."; empty when it is not 40 hex digits.
std::string normalise_fingerprint(std::string_view text)
{
  std::string hex;
  for (const char c : text) {
    if (c == ' ') {
      continue;
    }
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return {};
    }
    hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return hex.size() == 40 ? hex : std::string();
}

std::vector<std::string> parse_keys(const YAML::Node& node, YamlMap& map, const std::string& file,
                                    const std::string& who)
{
  auto keys = map.strings("keys");
  if (!keys || keys->empty()) {
    config_error(node, file, fmt::format("{} needs `keys`: the 40-hex fingerprints of their primary keys", who));
  }
  const YAML::Node keys_node = node["keys"];
  std::vector<std::string> fingerprints;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const std::string fingerprint = normalise_fingerprint((*keys)[i]);
    if (fingerprint.empty()) {
      const YAML::Node at = keys_node.IsSequence() ? keys_node[i] : keys_node;
      config_error(
          at, file,
          fmt::format("`{}` is not a full fingerprint (40 hex digits, as `gpg --fingerprint` shows)", (*keys)[i]));
    }
    fingerprints.push_back(fingerprint);
  }
  return fingerprints;
}

Attester parse_attester(const YAML::Node& node, const std::string& file, std::size_t index)
{
  if (!node.IsMap()) {
    config_error(node, file, fmt::format("attester #{} must be a mapping with name, keys and checks", index));
  }
  YamlMap map(node, file, fmt::format("attester #{}", index));
  Attester attester;
  attester.location = location_of(node, file);
  auto name = map.string("name");
  if (!name || name->empty()) {
    config_error(node, file, fmt::format("attester #{} needs a `name`", index));
  }
  attester.name = *name;
  attester.keys = parse_keys(node, map, file, fmt::format("attester `{}`", *name));
  auto checks = map.strings("checks");
  map.finish(); // a misspelt `checks` is said as such
  if (!checks || checks->empty()) {
    config_error(node, file,
                 fmt::format("attester `{}` needs `checks`: the ids of the checks its keys may attest", *name));
  }
  attester.checks = *checks;
  return attester;
}

Maintainer parse_entry(const YAML::Node& node, const std::string& file, std::size_t index)
{
  if (!node.IsMap()) {
    config_error(node, file, fmt::format("maintainer #{} must be a mapping with name, email, keys and roles", index));
  }
  YamlMap map(node, file, fmt::format("maintainer #{}", index));
  Maintainer maintainer;
  maintainer.location = location_of(node, file);
  auto name = map.string("name");
  auto email = map.string("email");
  if (!name || name->empty()) {
    config_error(node, file, fmt::format("maintainer #{} needs a `name`", index));
  }
  if (!email || email->find('@') == std::string::npos) {
    config_error(node, file, fmt::format("maintainer `{}` needs an `email` (name@host)", *name));
  }
  maintainer.name = *name;
  maintainer.email = *email;
  maintainer.keys = parse_keys(node, map, file, fmt::format("maintainer `{}`", *name));
  maintainer.roles = map.strings("roles").value_or(std::vector<std::string>{});
  map.finish();
  return maintainer;
}

} // namespace

const Maintainer* Maintainers::by_fingerprint(std::string_view fingerprint) const
{
  for (const auto& maintainer : list) {
    for (const auto& key : maintainer.keys) {
      if (equal_ignoring_case(key, fingerprint)) {
        return &maintainer;
      }
    }
  }
  return nullptr;
}

bool Attester::may_attest(std::string_view check_id) const
{
  return std::find(checks.begin(), checks.end(), check_id) != checks.end();
}

const Attester* Maintainers::attester_by_fingerprint(std::string_view fingerprint) const
{
  for (const auto& attester : attesters) {
    for (const auto& key : attester.keys) {
      if (equal_ignoring_case(key, fingerprint)) {
        return &attester;
      }
    }
  }
  return nullptr;
}

const Maintainer* Maintainers::by_email(std::string_view email) const
{
  for (const auto& maintainer : list) {
    if (equal_ignoring_case(maintainer.email, email)) {
      return &maintainer;
    }
  }
  return nullptr;
}

namespace {

Result<Maintainers> parse_uncached(std::string_view text, const std::string& file_label)
{
  try {
    auto documents = load_all_yaml(text, file_label);
    if (!documents) {
      return std::unexpected(documents.error());
    }
    if (documents->size() != 1 || !documents->front().IsMap()) {
      return fail(fmt::format("{}: expected a mapping with a `maintainers:` list", file_label));
    }
    YamlMap top(documents->front(), file_label, "MAINTAINERS.yaml");
    auto list = top.node("maintainers");
    auto attesters = top.node("attesters");
    top.finish();
    // An explicit `[]` is a trust root nobody can approve in yet (what `init` writes without a key).
    if (!list || !list->IsSequence()) {
      const YAML::Node at = list ? *list : documents->front();
      config_error(at, file_label, "`maintainers` must be a list of maintainers (`[]` while there are none yet)");
    }
    Maintainers maintainers;
    std::map<std::string, std::string> owners; // fingerprint -> maintainer name
    std::size_t index = 0;
    for (const auto& entry : *list) {
      Maintainer maintainer = parse_entry(entry, file_label, ++index);
      for (const auto& key : maintainer.keys) {
        auto [it, inserted] = owners.emplace(key, maintainer.name);
        if (!inserted) {
          config_error(entry, file_label,
                       fmt::format("key {} is listed for both `{}` and `{}`", key, it->second, maintainer.name));
        }
      }
      maintainers.list.push_back(std::move(maintainer));
    }
    if (attesters && !attesters->IsNull()) {
      if (!attesters->IsSequence()) {
        config_error(*attesters, file_label, "`attesters` must be a list of {name, keys, checks}");
      }
      std::map<std::string, std::string> attesting; // fingerprint -> attester name
      index = 0;
      for (const auto& entry : *attesters) {
        Attester attester = parse_attester(entry, file_label, ++index);
        for (const auto& key : attester.keys) {
          auto [it, inserted] = attesting.emplace(key, attester.name);
          if (!inserted) {
            config_error(
                entry, file_label,
                fmt::format("key {} is listed for both attesters `{}` and `{}`", key, it->second, attester.name));
          }
        }
        maintainers.attesters.push_back(std::move(attester));
      }
    }
    return maintainers;
  } catch (const ConfigError& error) {
    return fail(error.what());
  } catch (const YAML::Exception& error) {
    return fail(yaml_error(error, file_label));
  }
}

} // namespace

Result<Maintainers> parse_maintainers(std::string_view text, const std::string& file_label)
{
  // One parse per text and process: a gate reads the same trust root in its preflight, the
  // trust-root check and the approvals check, and yaml-cpp takes ~4 ms for 100 maintainers. The
  // result is a function of the two strings alone.
  static util::Memo<std::pair<std::string, std::string>, Result<Maintainers>> parsed;
  return parsed.get(std::make_pair(std::string(text), file_label), [&] { return parse_uncached(text, file_label); });
}

} // namespace tollgate::core
