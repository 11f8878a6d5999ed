#include "core/config/config.hpp"

#include "changelog/semver.hpp"
#include "core/config/changelog_section.hpp"
#include "core/config/check_kinds.hpp"
#include "core/config/repository_identity.hpp"
#include "core/config/version_files_config.hpp"
#include "core/config/yaml_reader.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace tollgate::core {

std::string Location::str() const
{
  if (line <= 0) {
    return file;
  }
  return fmt::format("{}:{}:{}", file, line, column);
}

std::optional<long long> parse_duration(std::string_view text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  if (std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return text.size() > 12 ? std::nullopt : std::optional<long long>(std::stoll(std::string(text)));
  }
  long long total = 0;
  long long number = -1;
  std::string seen;
  for (const char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      number = (number < 0 ? 0 : number) * 10 + (c - '0');
      if (number > 1'000'000'000) {
        return std::nullopt;
      }
      continue;
    }
    const std::string units = "dhms";
    const std::size_t unit = units.find(c);
    // Units in order (d, h, m, s), each once, each after a number.
    if (number < 0 || unit == std::string::npos || (!seen.empty() && units.find(seen.back()) >= unit)) {
      return std::nullopt;
    }
    static constexpr long long k_seconds[] = {86400, 3600, 60, 1};
    total += number * k_seconds[unit];
    seen += c;
    number = -1;
  }
  return number < 0 ? std::optional<long long>(total) : std::nullopt;
}

namespace {

constexpr double k_max_timeout = 7 * 24 * 3600.0;

// A remote's name as `git remote add` accepts it, never a URL or a path: the URL comes from the
// clone's own .git/config, which a candidate cannot change.
bool is_remote_name(const std::string& name)
{
  const auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  };
  return std::isalnum(static_cast<unsigned char>(name.front())) != 0 &&
         std::all_of(name.begin(), name.end(), allowed) && name.find("..") == std::string::npos &&
         !name.ends_with(".lock");
}

// A list of repository-relative paths (`release.paths`, `release.exclude_paths`).
std::optional<std::vector<std::string>> read_paths(YamlMap& map, const YAML::Node& node, const std::string& key)
{
  auto paths = map.strings(key);
  for (const std::string& path : paths.value_or(std::vector<std::string>{})) {
    if (path.empty() || path.starts_with("/") || path == ".." || path.starts_with("../") ||
        path.find("/../") != std::string::npos) {
      config_error(node[key], map.file(),
                   fmt::format("`{}` holds `{}`: want paths relative to the repository root, such as "
                               "`packages/app/`",
                               key, path));
    }
  }
  return paths;
}

// The versioning keys of `release:` (docs/changelog.md); they live in the changelog settings.
void read_release_versioning(YamlMap& map, const YAML::Node& node, changelog::Settings& settings)
{
  settings.prerelease_start =
      static_cast<unsigned>(map.integer("prerelease_start", 0, 1).value_or(settings.prerelease_start));
  settings.bump_minor_pre_major = map.boolean("bump_minor_pre_major").value_or(settings.bump_minor_pre_major);
  settings.hide_scopes = map.strings("hide_scopes").value_or(settings.hide_scopes);
  if (std::any_of(settings.hide_scopes.begin(), settings.hide_scopes.end(), [](auto& s) { return s.empty(); })) {
    config_error(node["hide_scopes"], map.file(), "`hide_scopes` holds an empty scope");
  }
  settings.paths = read_paths(map, node, "paths").value_or(settings.paths);
  settings.exclude_paths = read_paths(map, node, "exclude_paths").value_or(settings.exclude_paths);
}

// A stage's name names its tag (refs/tags/<name>) and its sign-off refs: kept plain.
bool is_stage_name(const std::string& name)
{
  return !name.empty() && std::isalpha(static_cast<unsigned char>(name.front())) != 0 &&
         std::all_of(name.begin(), name.end(),
                     [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
                     }) &&
         name.find("..") == std::string::npos && !name.ends_with(".lock") && !name.ends_with(".");
}

StageConfig read_stage(const YAML::Node& item, const std::string& file, const std::vector<StageConfig>& before)
{
  if (!item.IsMap()) {
    config_error(item, file,
                 "each stage is a mapping, e.g. `- {name: staging, deploy: \"scripts/deploy.sh {{tag}}\"}`");
  }
  StageConfig stage;
  stage.location = location_of(item, file);
  YamlMap map(item, file, "a stage");
  stage.name = map.string("name").value_or("");
  stage.deploy = map.string("deploy").value_or("");
  stage.after = map.string("after").value_or("");
  stage.verify = map.string("verify").value_or("");
  stage.signoffs = static_cast<int>(map.integer("signoffs", 0, 100).value_or(0));
  stage.timeout = map.number("timeout", 0.001, k_max_timeout).value_or(stage.timeout);
  if (map.has("soak")) {
    const YAML::Node soak = item["soak"];
    const auto seconds = soak.IsScalar() ? parse_duration(soak.Scalar()) : std::nullopt;
    if (!seconds) {
      config_error(soak, file, "`soak` must be a duration such as `1h`, `30m`, `1h30m`, `45s`, `2d` or seconds");
    }
    stage.soak = *seconds;
    map.allow("soak");
  }
  map.finish();
  if (!is_stage_name(stage.name)) {
    config_error(map.has("name") ? item["name"] : item, file,
                 map.has("name") ? fmt::format("stage name `{}` must start with a letter and hold only letters, "
                                               "digits, `-`, `_` and `.` (it names a tag)",
                                               util::printable(stage.name))
                                 : "each stage needs a `name`");
  }
  for (const auto& earlier : before) {
    if (earlier.name == stage.name) {
      config_error(item["name"], file, fmt::format("stage `{}` is listed twice", stage.name));
    }
  }
  if (before.empty()) {
    for (const char* key : {"after", "soak", "signoffs", "verify"}) {
      if (map.has(key)) {
        config_error(item[key], file,
                     fmt::format("`{}` on the first stage `{}`: nothing comes before it (`tollgate promote` cuts a "
                                 "release into it)",
                                 key, stage.name));
      }
    }
  } else if (stage.after.empty()) {
    stage.after = before.back().name;
  } else if (stage.after != before.back().name) {
    config_error(item["after"], file,
                 fmt::format("stage `{}` is after `{}`, not `{}`: a release moves through the stages in the order "
                             "listed",
                             stage.name, before.back().name, stage.after));
  }
  return stage;
}

void read_stages(const YAML::Node& node, const std::string& file, ReleaseConfig& release)
{
  if (!node.IsSequence() || node.size() == 0) {
    config_error(node, file, "`stages` must be a list of stages, e.g. `- {name: staging}` then `- {name: stable}`");
  }
  for (const auto& item : node) {
    release.stages.push_back(read_stage(item, file, release.stages));
  }
}

void read_release(const YAML::Node& node, const std::string& file, ReleaseConfig& release,
                  changelog::Settings& changelog)
{
  YamlMap map(node, file, "`release`");
  read_release_versioning(map, node, changelog);
  release.branch = map.string("branch").value_or(release.branch);
  release.tag_prefix = map.string("tag_prefix").value_or(release.tag_prefix);
  release.stable_tag = map.string("stable_tag").value_or(release.stable_tag);
  release.changelog = map.string("changelog").value_or(release.changelog);
  release.signing_key = map.string("signing_key").value_or(release.signing_key);
  if (auto repository = map.string("repository")) {
    if (auto identity = repository_identity(*repository); !identity) {
      config_error(node["repository"], file, "`repository`: " + identity.error().message);
    }
    release.repository = *repository;
  }
  release.remote = map.string("remote").value_or(release.remote);
  if (auto files = map.node("version_files")) {
    release.version_files = read_version_files(*files, file, release.changelog);
  }
  const auto stages = map.node("stages");
  map.finish();
  if (stages) {
    read_stages(*stages, file, release);
    if (release.stages.back().name != release.stable_tag) {
      config_error((*stages)[release.stages.size() - 1]["name"], file,
                   fmt::format("the last stage is the stable one: name it `{}` (release.stable_tag), not `{}`",
                               release.stable_tag, release.stages.back().name));
    }
  }
  if (release.branch.empty()) {
    config_error(node["branch"], file, "`branch` must not be empty");
  }
  if (release.stable_tag.empty()) {
    config_error(node["stable_tag"], file, "`stable_tag` must not be empty");
  }
  if (!release.remote.empty() && !is_remote_name(release.remote)) {
    config_error(node["remote"], file,
                 fmt::format("`remote` must name a git remote of the clone (letters, digits, `.`, `_`, `-`), not "
                             "`{}`: add a URL with `git remote add NAME URL`",
                             release.remote));
  }
}

void read_approvals(const YAML::Node& node, const std::string& file, ApprovalsConfig& approvals)
{
  YamlMap map(node, file, "`approvals`");
  approvals.required = static_cast<int>(map.integer("required", 0, 100).value_or(approvals.required));
  approvals.maintainers = map.string("maintainers").value_or(approvals.maintainers);
  approvals.bind = map.string("bind").value_or(approvals.bind);
  approvals.exclude_author = map.boolean("exclude_author").value_or(approvals.exclude_author);
  if (auto roles = map.strings("roles")) {
    const YAML::Node list = node["roles"];
    std::set<std::string> seen;
    for (std::size_t i = 0; i < roles->size(); ++i) {
      const std::string& role = (*roles)[i];
      if (role.empty() || !seen.insert(role).second) {
        config_error(list.IsSequence() ? list[i] : list, file,
                     role.empty() ? "`roles` holds an empty name" : fmt::format("role `{}` is listed twice", role));
      }
    }
    approvals.roles = std::move(*roles);
  }
  map.finish();
  if (approvals.bind != "commit" && approvals.bind != "tree") {
    config_error(node["bind"], file, fmt::format("`bind` must be `commit` or `tree`, not `{}`", approvals.bind));
  }
}

void read_sandbox(const YAML::Node& node, const std::string& file, SandboxConfig& sandbox)
{
  YamlMap map(node, file, "`sandbox`");
  if (auto cpu = map.integer("cpu_sec", 1, 7 * 24 * 3600)) {
    sandbox.cpu_sec = static_cast<unsigned>(*cpu);
    sandbox.cpu_sec_set = true;
  }
  if (auto mem = map.integer("mem_mb", 1, 16 * 1024 * 1024)) {
    sandbox.mem_mb = static_cast<unsigned>(*mem);
    sandbox.mem_mb_set = true;
  }
  sandbox.timeout = map.number("timeout", 0.001, k_max_timeout).value_or(sandbox.timeout);
  if (auto network = map.string("network")) {
    if (*network == "none") {
      sandbox.network = proc::Network::none;
    } else if (*network == "allow") {
      sandbox.network = proc::Network::allow;
    } else {
      config_error(node["network"], file, fmt::format("`network` must be `none` or `allow`, not `{}`", *network));
    }
  }
  if (auto backend = map.string("backend")) {
    auto parsed = proc::parse_backend(*backend);
    if (!parsed) {
      config_error(node["backend"], file,
                   fmt::format("`backend` must be one of auto, firejail, bwrap, unshare, not `{}`", *backend));
    }
    sandbox.backend = *parsed;
  }
  if (auto passenv = map.strings("passenv")) {
    const YAML::Node list = node["passenv"];
    for (std::size_t i = 0; i < passenv->size(); ++i) {
      const std::string& name = (*passenv)[i];
      const bool valid = !name.empty() && std::isdigit(static_cast<unsigned char>(name.front())) == 0 &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                         });
      if (!valid) {
        config_error(list.IsSequence() ? list[i] : list, file,
                     fmt::format("`passenv` holds environment variable names ([A-Za-z_][A-Za-z0-9_]*), not `{}`",
                                 util::printable(name)));
      }
    }
    sandbox.passenv = std::move(*passenv);
  }
  sandbox.confine = map.boolean("confine").value_or(sandbox.confine);
  sandbox.max_procs = static_cast<unsigned>(map.integer("max_procs", 1, 65536).value_or(sandbox.max_procs));
  map.finish();
}

void read_rollback(const YAML::Node& node, const std::string& file, RollbackConfig& rollback)
{
  YamlMap map(node, file, "`rollback`");
  rollback.deploy = map.string("deploy").value_or(rollback.deploy);
  if (auto network = map.string("network")) {
    if (*network == "none") {
      rollback.network = proc::Network::none;
    } else if (*network == "allow") {
      rollback.network = proc::Network::allow;
    } else {
      config_error(node["network"], file, fmt::format("`network` must be `none` or `allow`, not `{}`", *network));
    }
  }
  rollback.timeout = map.number("timeout", 0.001, k_max_timeout).value_or(rollback.timeout);
  map.finish();
}

void read_gpg(const YAML::Node& node, const std::string& file, GpgConfig& gpg)
{
  YamlMap map(node, file, "`gpg`");
  if (auto verify = map.string("verify")) {
    if (*verify == "rnp") {
      gpg.verify = VerifyBackend::rnp;
    } else if (*verify == "gpgme") {
      gpg.verify = VerifyBackend::gpgme;
    } else {
      config_error(node["verify"], file, fmt::format("`verify` must be `rnp` or `gpgme`, not `{}`", *verify));
    }
  }
  map.finish();
}

CheckSpec read_check(const YAML::Node& item, const std::string& file)
{
  CheckSpec spec;
  YAML::Node key_node;
  if (item.IsScalar()) {
    // `- pytest` is short for `- pytest: {}`.
    key_node = item;
    spec.kind = item.Scalar();
  } else if (item.IsMap() && item.size() == 1) {
    key_node = item.begin()->first;
    if (!key_node.IsScalar()) {
      config_error(key_node, file, "a check's kind must be a string");
    }
    spec.kind = key_node.Scalar();
    spec.options = item.begin()->second;
  } else if (item.IsMap()) {
    config_error(item, file,
                 fmt::format("each check is a mapping with one key, its kind (e.g. `- pytest: {{timeout: 600}}`); "
                             "this one has {} keys - is an option indented too little?",
                             item.size()));
  } else {
    config_error(item, file, "each check is a mapping with one key, its kind (e.g. `- pytest: {timeout: 600}`)");
  }
  spec.location = location_of(key_node, file);

  const auto& kinds = known_check_kinds();
  if (std::find(kinds.begin(), kinds.end(), spec.kind) == kinds.end()) {
    config_error(key_node, file, fmt::format("unknown check kind `{}`{}", spec.kind, [&] {
                   auto hint = util::did_you_mean(spec.kind, kinds);
                   return hint.empty() ? fmt::format(" (known: {})", fmt::join(kinds, ", ")) : hint;
                 }()));
  }
  if (!spec.options.IsDefined() || spec.options.IsNull()) {
    spec.options = YAML::Node(YAML::NodeType::Map);
  }
  YamlMap common(spec.options, file, fmt::format("check `{}`", spec.kind));
  spec.id = common.string("id").value_or(spec.kind);
  // Ids name log files and appear in one-line messages, JUnit and annotations: keep them plain.
  const bool plain = !spec.id.empty() && std::isalnum(static_cast<unsigned char>(spec.id.front())) != 0 &&
                     std::all_of(spec.id.begin(), spec.id.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
                     });
  if (!plain) {
    config_error(spec.options["id"], file,
                 fmt::format("check id `{}` must start with a letter or digit and hold only letters, digits, "
                             "`-`, `_` and `.`",
                             util::printable(spec.id)));
  }
  if (common.has("timeout")) {
    const YAML::Node timeout = spec.options["timeout"];
    if (timeout.IsScalar() && timeout.Scalar().starts_with("-")) {
      config_error(timeout, file,
                   fmt::format("`timeout` must be a positive number of seconds, not {}", timeout.Scalar()));
    }
    spec.timeout = common.number("timeout", 0.001, k_max_timeout);
  }
  spec.when_exists = common.string("when_exists").value_or("");
  return spec;
}

Config parse_document(const YAML::Node& root, const std::string& file)
{
  Config config;
  if (root.IsNull() || !root.IsDefined()) {
    return config;
  }
  YamlMap map(root, file, "the configuration");
  const auto version = map.node("version");
  const auto release = map.node("release");
  const auto approvals = map.node("approvals");
  const auto sandbox = map.node("sandbox");
  const auto rollback = map.node("rollback");
  const auto changelog = map.node("changelog");
  const auto checks = map.node("checks");
  const auto gpg = map.node("gpg");
  map.finish(); // a misspelt top-level key first: it may be why a section below looks wrong
  if (version) {
    if (!version->IsScalar() || version->Scalar() != "1") {
      config_error(*version, file, "unsupported `version`: this tollgate reads version 1");
    }
  }
  if (release) {
    read_release(*release, file, config.release, config.changelog);
    config.changelog.repository = config.release.repository;
  }
  if (approvals) {
    read_approvals(*approvals, file, config.approvals);
  }
  if (sandbox) {
    read_sandbox(*sandbox, file, config.sandbox);
  }
  if (rollback) {
    read_rollback(*rollback, file, config.rollback);
  }
  if (changelog) {
    read_changelog(*changelog, file, config.changelog);
  }
  if (gpg) {
    read_gpg(*gpg, file, config.gpg);
  }
  if (checks) {
    if (!checks->IsSequence() && !checks->IsNull()) {
      config_error(*checks, file, "`checks` must be a list (each item `- kind: {options}`)");
    }
    std::set<std::string> ids;
    for (const auto& item : *checks) {
      CheckSpec spec = read_check(item, file);
      if (!ids.insert(spec.id).second) {
        config_error(spec.options["id"].IsDefined() ? spec.options["id"] : YAML::Node(item), file,
                     fmt::format("duplicate check id `{}` (give each `{}` check its own `id:`)", spec.id, spec.kind));
      }
      // Let the check validate its own options now, so every mistake surfaces at load time.
      check_kinds().validate(spec, file);
      config.checks.push_back(std::move(spec));
    }
  }
  return config;
}

} // namespace

Result<Config> parse_config(std::string_view text, const std::string& file_label)
{
  try {
    auto documents = load_all_yaml(text, file_label);
    if (!documents) {
      return std::unexpected(documents.error());
    }
    if (documents->size() > 1) {
      const Location second = location_of((*documents)[1], file_label);
      return fail(fmt::format("{}: a second YAML document; tollgate.yaml holds one (remove the `---`)",
                              second.line > 0 ? second.str() : file_label));
    }
    return parse_document(documents->empty() ? YAML::Node() : documents->front(), file_label);
  } catch (const ConfigError& error) {
    return fail(error.what());
  } catch (const YAML::Exception& error) {
    return fail(yaml_error(error, file_label));
  } catch (const std::exception& error) {
    return fail(fmt::format("{}: {}", file_label, error.what()));
  }
}

Result<Config> load_config(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(fmt::format("{}: cannot read the configuration", path.string()));
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string label = path.string();
  std::error_code ec;
  const auto relative = std::filesystem::relative(path, std::filesystem::current_path(ec), ec);
  if (!ec && !relative.empty() && relative.string().size() < label.size() && !relative.string().starts_with("..")) {
    label = relative.string();
  }
  auto config = parse_config(content.str(), label);
  if (config) {
    config->path = path;
  }
  return config;
}

} // namespace tollgate::core
