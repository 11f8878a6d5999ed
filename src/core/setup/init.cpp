#include "core/setup/init.hpp"

#include "core/setup/init_maintainers.hpp"

#include "core/checklist/report.hpp"
#include "core/config/config.hpp"
#include "core/config/repository_identity.hpp"
#include "core/trust/trust_root.hpp"
#include "core/trust/trust_root_validation.hpp"
#include "git/objects.hpp"
#include "git/remote.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"
#include "util/templates.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>

namespace tollgate::core {

namespace {

namespace fs = std::filesystem;

// `path` as one shell word.
std::string shell_word(const std::string& path)
{
  const bool plain = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("._/+@-").find(c) != std::string_view::npos;
  });
  if (plain) {
    return path;
  }
  std::string quoted = "'";
  for (const char c : path) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

// The exact commands that commit what init wrote (`paths`, relative to `root`).
std::vector<std::string> commit_commands(const fs::path& root, const std::vector<std::string>& paths)
{
  std::error_code ec;
  const bool here = fs::equivalent(root, fs::current_path(ec), ec);
  const std::string git = here ? "git" : "git -C " + shell_word(display_path(root));
  std::vector<std::string> words;
  std::transform(paths.begin(), paths.end(), std::back_inserter(words), shell_word);
  return {fmt::format("{} add {}", git, fmt::join(words, " ")),
          fmt::format("{} commit -m \"chore: set up tollgate\"", git)};
}

// The CI files `--ci SYSTEM` writes: the gate job, and with `--attest` the job that runs and attests
// the checks (a separate file: it runs on pushes to the release branch, the gate on pull requests).
std::vector<InitNote> write_ci(const fs::path& root, const InitRequest& options)
{
  struct File {
    std::string relative;
    const char* source;
    std::string note;
  };
  const std::string gate_note = "the gate job";
  const std::string attest_note = "the attestation job: set the secrets its header names";
  std::vector<File> files;
  if (options.ci == "github") {
    files.push_back({".github/workflows/tollgate-gate.yml", "ci/github.yml", gate_note});
    if (options.attest) {
      files.push_back({".github/workflows/tollgate-attest.yml", "ci/github-attest.yml", attest_note});
    }
  } else {
    files.push_back({present(root / ".gitlab-ci.yml") ? ".gitlab/tollgate-gate.gitlab-ci.yml" : ".gitlab-ci.yml",
                     "ci/gitlab.yml", gate_note});
    if (options.attest) {
      files.push_back({".gitlab/tollgate-attest.gitlab-ci.yml", "ci/gitlab-attest.yml", attest_note});
    }
  }
  for (const auto& file : files) { // all or nothing: refuse before writing any
    if (present(root / file.relative) && !options.force) {
      usage_error(fmt::format("{} exists; use --force to overwrite it", file.relative));
    }
  }
  std::vector<InitNote> written;
  for (const auto& file : files) {
    const fs::path path = root / file.relative;
    fs::create_directories(path.parent_path());
    write_file_atomically(path, std::string(templates::get(file.source)));
    const bool included = file.relative.starts_with(".gitlab/");
    written.push_back({file.relative, included ? fmt::format("{}; include it from .gitlab-ci.yml: "
                                                             "`include: {{local: {}}}`",
                                                             file.note, file.relative)
                                               : file.note});
  }
  return written;
}

// Not forced (`+`): a forced fetch would drop an audit-log entry or approval made here and not pushed yet.
constexpr const char* k_tollgate_refspec = "refs/tollgate/*:refs/tollgate/*";

// `origin` and whether it fetches refs/tollgate/*, read before anything is written: Fatal(3) when
// `configure` (--configure-remote) finds no origin.
struct Origin {
  bool exists = false;
  bool fetches_tollgate = false;
};
Origin read_origin(const Workspace& workspace, bool configure)
{
  Origin origin;
  auto repo = git::Repository::open(workspace.git_dir);
  if (repo && git::remote_url(*repo, "origin")) {
    origin.exists = true;
    const auto specs = git::fetch_refspecs(*repo, "origin").value_or(std::vector<std::string>{});
    origin.fetches_tollgate = std::any_of(specs.begin(), specs.end(), [](const std::string& spec) {
      return spec == k_tollgate_refspec || spec == std::string("+") + k_tollgate_refspec;
    });
  }
  if (configure && !origin.exists) {
    environment_error("--configure-remote: this repository has no remote `origin` (git remote add origin URL); "
                      "nothing was written");
  }
  return origin;
}

// Approvals and the audit log travel with `git fetch` once origin fetches refs/tollgate/*: added
// with consent (`configure`), else the command that adds it. nullopt: no origin, or nothing to say.
std::optional<InitNote> fetch_tollgate_refs(const Workspace& workspace, const Origin& origin, bool configure)
{
  if (!origin.exists || (origin.fetches_tollgate && !configure)) {
    return std::nullopt;
  }
  if (origin.fetches_tollgate) {
    return InitNote{"remote.origin.fetch", "already fetches refs/tollgate/*"};
  }
  if (!configure) {
    return InitNote{"remote.origin.fetch",
                    fmt::format("lacks refs/tollgate/*; for approvals and the audit log to travel with git fetch, run: "
                                "git config --add remote.origin.fetch '{}' (or tollgate init --configure-remote)",
                                k_tollgate_refspec)};
  }
  auto repo = git::Repository::open(workspace.git_dir);
  if (!repo) {
    environment_error(repo.error().message);
  }
  if (auto added = git::add_fetch_refspec(*repo, "origin", k_tollgate_refspec); !added) {
    environment_error(added.error().message);
  }
  return InitNote{"remote.origin.fetch",
                  fmt::format("added {} (approvals and the audit log travel with git fetch)", k_tollgate_refspec)};
}

// A pytest suite: pytest configuration, a conftest.py, or test_*.py / *_test.py files outside
// hidden and virtual-environment directories (searched a few levels deep).
bool has_pytest_suite(const fs::path& root)
{
  for (const char* marker : {"pytest.ini", "conftest.py", "tests/conftest.py"}) {
    if (present(root / marker)) {
      return true;
    }
  }
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (name.starts_with(".") || name == "node_modules" || name == "venv" || name == "build" || it.depth() >= 3) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))) {
      return true;
    }
  }
  return false;
}

// release.version_files as the template lists them: a plain path, or `{path: ..., pattern: ...}`.
void set_version_files(kainjow::mustache::data& data, const version_files::Detection& detection)
{
  if (detection.files.empty()) {
    return;
  }
  kainjow::mustache::list entries;
  for (const auto& file : detection.files) {
    const std::string path =
        shell_word(file.entry.path) == file.entry.path ? file.entry.path : yaml_quoted(file.entry.path);
    kainjow::mustache::data entry;
    entry.set("entry", file.entry.pattern.empty()
                           ? path
                           : fmt::format("{{path: {}, pattern: {}}}", path, yaml_quoted(file.entry.pattern)));
    entries.push_back(entry);
  }
  data.set("version_files", true);
  data.set("entries", entries);
}

// The checks the written tollgate.yaml enables, as shown.
std::vector<std::string> enabled_checks(const InitResult& result, bool check_env)
{
  std::vector<std::string> checks;
  if (result.precommit) {
    checks.emplace_back("pre-commit");
  }
  if (check_env) {
    checks.emplace_back("env (check_env.py)");
  }
  if (result.pytest) {
    checks.emplace_back("pytest");
  }
  checks.emplace_back("sandbox-limits");
  checks.emplace_back("approvals");
  return checks;
}

// `init --ci SYSTEM` (the CI job) or `--configure-remote` in a configured repository keeps tollgate.yaml.
InitResult keep_config(const Workspace& workspace, const InitRequest& request, const Origin& origin)
{
  InitResult result;
  result.config = workspace.config_path;
  result.kept = true;
  std::vector<std::string> wrote;
  if (!request.ci.empty()) {
    for (auto& written : write_ci(workspace.root, request)) {
      wrote.push_back(written.path);
      result.also.push_back(std::move(written));
    }
  }
  if (auto remote = fetch_tollgate_refs(workspace, origin, request.configure_remote)) {
    result.also.push_back(*remote);
  }
  if (!wrote.empty()) {
    result.commit = commit_commands(workspace.root, wrote);
  }
  return result;
}

} // namespace

InitResult init(const Workspace& workspace, const InitRequest& request)
{
  const fs::path& root = workspace.root;
  const fs::path target = workspace.config_path;
  const Origin remote_origin = read_origin(workspace, request.configure_remote);
  if (present(target) && !request.force) {
    if (request.ci.empty() && !request.configure_remote) {
      usage_error(fmt::format("{} exists; use --force to overwrite it", display_path(target)));
    }
    return keep_config(workspace, request, remote_origin);
  }

  InitResult result;
  result.config = target;
  result.changelog = "CHANGELOG.md";
  for (const char* candidate : {"docs/CHANGELOG.md", "CHANGELOG.md"}) {
    if (present(root / candidate)) {
      result.changelog = candidate;
      result.changelog_found = true;
      break;
    }
  }
  result.precommit = present(root / ".pre-commit-config.yaml");
  result.pytest = has_pytest_suite(root);
  const bool check_env = present(root / "check_env.py");
  for (const char* candidate : {".env", "deploy/manifest.yaml", "deploy/manifest.yml", "docker-compose.yml",
                                "docker-compose.yaml", "compose.yaml"}) {
    if (present(root / candidate)) {
      result.limit_sources.emplace_back(candidate);
    }
  }
  result.limits_found = !result.limit_sources.empty();
  if (result.limit_sources.empty()) {
    result.limit_sources = {".env", "deploy/manifest.yaml"};
  }
  result.version_files = version_files::detect(root);

  kainjow::mustache::data data;
  data.set("branch", "main");
  set_version_files(data, result.version_files);
  data.set("changelog", result.changelog);
  data.set("changelog_found", result.changelog_found);
  data.set("precommit", result.precommit);
  data.set("pytest", result.pytest);
  data.set("check_env", check_env);
  data.set("limit_sources", fmt::format("{}", fmt::join(result.limit_sources, ", ")));
  if (auto repo = git::Repository::open(workspace.git_dir)) {
    if (auto origin = git::remote_url(*repo, "origin")) {
      result.repository = normalise_repository(*origin);
    }
  }
  if (!result.repository.empty()) {
    data.set("repository", result.repository); // a set empty string would count as true in a section
  }
  kainjow::mustache::mustache tmpl{std::string(templates::get("tollgate.yaml.mustache"))};
  if (!tmpl.is_valid()) {
    environment_error("the built-in tollgate.yaml template is invalid: " + tmpl.error_message());
  }
  const std::string text = tmpl.render(data);
  // What we write must load: a template mistake must never leave a broken config behind.
  auto parsed = parse_config(text, k_config_file);
  if (!parsed) {
    environment_error("the generated configuration does not load: " + parsed.error().message);
  }
  const MaintainersPlan maintainers = plan_maintainers(root, *parsed, request.force);
  std::vector<InitNote> also;
  if (!request.ci.empty()) {
    also = write_ci(root, request);
  }
  write_file_atomically(target, text);
  std::vector<std::string> wrote = write_maintainers(root, maintainers);
  wrote.insert(wrote.begin(), k_config_file);
  for (const auto& written : also) {
    wrote.push_back(written.path);
  }
  also.insert(also.begin(), InitNote{maintainers.path, maintainers.note});
  if (auto warning = maintainers_warning(root, maintainers.path, parsed->approvals)) {
    result.warnings.push_back(std::move(*warning));
  }
  // What else promote would refuse in these files (a key file that is no key, a listed key without
  // its file); who can approve is the warning above.
  if (auto files = trust_root_files_in(root, *parsed)) {
    const TrustRootSummary summary = validate_trust_root(*files, std::time(nullptr));
    result.warnings.insert(result.warnings.end(), summary.problems.begin(),
                           summary.problems.begin() + static_cast<std::ptrdiff_t>(summary.file_problems));
  }
  result.commit = commit_commands(root, wrote);
  if (auto remote = fetch_tollgate_refs(workspace, remote_origin, request.configure_remote)) {
    also.push_back(*remote);
  }
  result.also = std::move(also);
  result.checks = enabled_checks(result, check_env);
  return result;
}

} // namespace tollgate::core
