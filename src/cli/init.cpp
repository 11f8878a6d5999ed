// `tollgate init`: writes a commented tollgate.yaml from templates/, adapted to what the repository
// has (a changelog, .pre-commit-config.yaml, a pytest suite, check_env.py, .env and manifests), a
// MAINTAINERS.yaml that loads, and the CI job. Never overwrites without --force; prints what it
// wrote, a warning when the maintainers cannot approve every commit, and the git lines to commit it.

#include "cli/common.hpp"
#include "core/checklist/report.hpp"
#include "core/checklist/workspace.hpp"
#include "core/config/config.hpp"
#include "core/config/repository_identity.hpp"
#include "core/trust/approval_message.hpp"
#include "core/trust/maintainers.hpp"
#include "core/trust/trust_root.hpp"
#include "core/trust/trust_root_validation.hpp"
#include "git/objects.hpp"
#include "git/remote.hpp"
#include "gpg/context.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"
#include "util/templates.hpp"
#include "version_files/detect.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>

namespace tollgate::cli {

namespace {

namespace fs = std::filesystem;

bool present(const fs::path& path)
{
  std::error_code ec;
  return fs::exists(path, ec);
}

struct InitOptions {
  bool force = false;
  std::string ci;      // github | gitlab
  bool attest = false; // with ci: also the job that attests the checks
  bool configure_remote = false;
};

struct Written {
  std::string path;
  std::string note;
};

// MAINTAINERS.yaml as init writes it: an entry for this machine's signing key (its public key to
// export to .tollgate/keys/), or an empty list with the example commented out. Validated before
// anything is written; `kept` when the file exists and --force was not given.
struct MaintainersPlan {
  std::string path; // relative to the root
  bool kept = false;
  std::string text;
  std::string key_path; // relative to the root; empty when no key is exported
  std::string armored_key;
  std::string note;
};

// `text` as a YAML double-quoted scalar (a JSON string is one).
std::string yaml_quoted(const std::string& text)
{
  return nlohmann::json(text).dump();
}

// An email's local part fit for a file name in .tollgate/keys/.
std::string key_file_stem(const std::string& email)
{
  std::string stem = email.substr(0, email.find('@'));
  for (char& c : stem) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '+' && c != '.') {
      c = '_';
    }
  }
  return stem.empty() || stem.starts_with('.') ? "maintainer" + stem : stem;
}

MaintainersPlan plan_maintainers(const fs::path& root, const core::Config& config, bool force)
{
  MaintainersPlan plan;
  plan.path = config.approvals.maintainers;
  if (present(root / plan.path) && !force) {
    plan.kept = true;
    plan.note = "exists, kept (--force rewrites it)";
    return plan;
  }
  kainjow::mustache::data data;
  plan.note = "nobody listed yet (no secret key with an email here): create a key with `gpg --quick-gen-key`, then "
              "run `tollgate init --force`, or list the maintainers by hand";
  if (auto gpg = gpg::Context::create()) {
    auto keys = gpg->list_keys(true).value_or(std::vector<gpg::KeyInfo>{});
    const auto usable = std::find_if(keys.begin(), keys.end(), [](const auto& k) { return k.usable_for_signing(); });
    if (usable != keys.end()) {
      const std::string& uid = usable->user_id;
      const std::size_t open = uid.rfind('<');
      const std::size_t close = uid.rfind('>');
      const bool has_email = open != std::string::npos && close != std::string::npos && open < close;
      const std::string email = has_email ? uid.substr(open + 1, close - open - 1) : "";
      const std::string name = has_email ? std::string(util::trim(std::string_view(uid).substr(0, open))) : uid;
      if (auto armored = gpg->export_public_key(usable->fingerprint); armored && email.find('@') != std::string::npos) {
        const std::string key_path = fmt::format("{}/{}.asc", core::k_keys_dir, key_file_stem(email));
        if (!present(root / key_path) || force) {
          plan.key_path = key_path;
          plan.armored_key = *armored;
        }
        kainjow::mustache::data entry;
        entry.set("name", yaml_quoted(name.empty() ? email : name));
        entry.set("email", yaml_quoted(email));
        entry.set("fingerprint", usable->fingerprint);
        data.set("maintainer", entry);
        plan.note = fmt::format("{} <{}>, key in {}; add the other maintainers", name, email, key_path);
      }
    }
  }
  kainjow::mustache::mustache tmpl{std::string(templates::get("MAINTAINERS.yaml.mustache"))};
  plan.text = tmpl.render(data);
  // What we write must load: a template mistake or an odd user id must never leave a broken trust root.
  if (auto parsed = core::parse_maintainers(plan.text, plan.path); !tmpl.is_valid() || !parsed) {
    environment_error("the generated " + plan.path +
                      " does not load: " + (parsed ? tmpl.error_message() : parsed.error().message));
  }
  return plan;
}

// Writes what `plan` holds; returns the paths written (relative to the root).
std::vector<std::string> write_maintainers(const fs::path& root, const MaintainersPlan& plan)
{
  if (plan.kept) {
    return {};
  }
  std::vector<std::string> wrote{plan.path};
  if (!plan.key_path.empty()) {
    fs::create_directories((root / plan.key_path).parent_path());
    core::write_file_atomically(root / plan.key_path, plan.armored_key);
    wrote.push_back(plan.key_path);
  }
  fs::create_directories((root / plan.path).parent_path());
  core::write_file_atomically(root / plan.path, plan.text);
  return wrote;
}

// What the trust root in MAINTAINERS.yaml cannot do with approvals as configured: a warning, or
// nothing when every commit can be approved.
std::optional<std::string> maintainers_warning(const fs::path& root, const std::string& path,
                                               const core::ApprovalsConfig& approvals)
{
  std::ifstream in(root / path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = core::parse_maintainers(text, path);
  if (!parsed) {
    return fmt::format("the kept {} does not load: {}", path, parsed.error().message);
  }
  const auto count = static_cast<int>(parsed->list.size());
  const std::string listed = fmt::format("{} lists {} maintainer{}", path, count, count == 1 ? "" : "s");
  if (approvals.required > 0 && approvals.exclude_author && count < approvals.required + 1) {
    return fmt::format("{} for approvals.required: {} with exclude_author: no commit by a maintainer can ever be "
                       "promoted (its author's approval does not count){}; list at least {}",
                       listed, approvals.required, count < approvals.required ? ", nor any other commit" : "",
                       approvals.required + 1);
  }
  if (count < approvals.required) {
    return fmt::format("{} for approvals.required: {}: nothing can be promoted; list at least {}", listed,
                       approvals.required, approvals.required);
  }
  return std::nullopt;
}

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
  const std::string git = here ? "git" : "git -C " + shell_word(core::display_path(root));
  std::vector<std::string> words;
  std::transform(paths.begin(), paths.end(), std::back_inserter(words), shell_word);
  return {fmt::format("{} add {}", git, fmt::join(words, " ")),
          fmt::format("{} commit -m \"chore: set up tollgate\"", git)};
}

void print_warning(const std::string& warning)
{
  std::fflush(stdout);
  std::fprintf(stderr, "tollgate: warning: %s\n", warning.c_str());
}

// The CI files `--ci SYSTEM` writes: the gate job, and with `--attest` the job that runs and attests
// the checks (a separate file: it runs on pushes to the release branch, the gate on pull requests).
std::vector<Written> write_ci(const fs::path& root, const InitOptions& options)
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
  std::vector<Written> written;
  for (const auto& file : files) {
    const fs::path path = root / file.relative;
    fs::create_directories(path.parent_path());
    core::write_file_atomically(path, std::string(templates::get(file.source)));
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
Origin read_origin(const core::Workspace& workspace, bool configure)
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
std::optional<Written> fetch_tollgate_refs(const core::Workspace& workspace, const Origin& origin, bool configure)
{
  if (!origin.exists || (origin.fetches_tollgate && !configure)) {
    return std::nullopt;
  }
  if (origin.fetches_tollgate) {
    return Written{"remote.origin.fetch", "already fetches refs/tollgate/*"};
  }
  if (!configure) {
    return Written{"remote.origin.fetch",
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
  return Written{"remote.origin.fetch",
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

nlohmann::json version_files_json(const version_files::Detection& detection)
{
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : detection.files) {
    files.push_back({{"path", file.entry.path}, {"pattern", file.entry.pattern}, {"version", file.version}});
  }
  for (const auto& skipped : detection.skipped) {
    files.push_back({{"path", skipped.path}, {"skipped", skipped.reason}});
  }
  return files;
}

void print_version_files(const version_files::Detection& detection)
{
  if (detection.files.empty() && detection.skipped.empty()) {
    fmt::print("  no version file found (pyproject.toml, package.json, Cargo.toml, setup.cfg, __version__): only "
               "the CHANGELOG records the version\n");
    return;
  }
  for (const auto& file : detection.files) {
    fmt::print("  version file: {} ({}{}): the release commit sets it\n", file.entry.path, file.version,
               file.entry.pattern.empty() ? "" : ", by pattern");
  }
  for (const auto& skipped : detection.skipped) {
    fmt::print("  version file not listed: {}\n", skipped.reason);
  }
}

int run_init(const InitOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace();
  const fs::path& root = workspace.root;
  const fs::path target = workspace.config_path;
  const Origin remote_origin = read_origin(workspace, options.configure_remote);
  if (present(target) && !options.force) {
    if (options.ci.empty() && !options.configure_remote) {
      usage_error(fmt::format("{} exists; use --force to overwrite it", core::display_path(target)));
    }
    // `init --ci SYSTEM` (the CI job) or `--configure-remote` in a configured repository keeps tollgate.yaml.
    std::vector<Written> kept_also;
    std::vector<std::string> wrote;
    if (!options.ci.empty()) {
      for (auto& written : write_ci(root, options)) {
        wrote.push_back(written.path);
        kept_also.push_back(std::move(written));
      }
    }
    if (auto remote = fetch_tollgate_refs(workspace, remote_origin, options.configure_remote)) {
      kept_also.push_back(*remote);
    }
    const auto commit = wrote.empty() ? std::vector<std::string>() : commit_commands(root, wrote);
    nlohmann::json files = nlohmann::json::array();
    for (const auto& written : kept_also) {
      files.push_back({{"path", written.path}, {"note", written.note}});
    }
    if (globals.json) {
      print_json(nlohmann::json{{"kept", target.string()}, {"also", files}, {"commit", commit}});
    } else {
      fmt::print("kept {}\n", core::display_path(target));
      for (const auto& written : kept_also) {
        fmt::print("  {}: {}\n", written.path, written.note);
      }
      if (!commit.empty()) {
        fmt::print("next: review it, then commit it:\n{}\n", fmt::join(commit, "\n"));
      }
    }
    return exit_code::k_ok;
  }

  std::string changelog = "CHANGELOG.md";
  bool changelog_found = false;
  for (const char* candidate : {"docs/CHANGELOG.md", "CHANGELOG.md"}) {
    if (present(root / candidate)) {
      changelog = candidate;
      changelog_found = true;
      break;
    }
  }
  const bool precommit = present(root / ".pre-commit-config.yaml");
  const bool pytest = has_pytest_suite(root);
  const bool check_env = present(root / "check_env.py");
  std::vector<std::string> sources;
  for (const char* candidate : {".env", "deploy/manifest.yaml", "deploy/manifest.yml", "docker-compose.yml",
                                "docker-compose.yaml", "compose.yaml"}) {
    if (present(root / candidate)) {
      sources.emplace_back(candidate);
    }
  }
  const bool limits_found = !sources.empty();
  if (sources.empty()) {
    sources = {".env", "deploy/manifest.yaml"};
  }

  const version_files::Detection versioned = version_files::detect(root);

  kainjow::mustache::data data;
  data.set("branch", "main");
  set_version_files(data, versioned);
  data.set("changelog", changelog);
  data.set("changelog_found", changelog_found);
  data.set("precommit", precommit);
  data.set("pytest", pytest);
  data.set("check_env", check_env);
  data.set("limit_sources", fmt::format("{}", fmt::join(sources, ", ")));
  std::string repository;
  if (auto repo = git::Repository::open(workspace.git_dir)) {
    if (auto origin = git::remote_url(*repo, "origin")) {
      repository = core::normalise_repository(*origin);
    }
  }
  if (!repository.empty()) {
    data.set("repository", repository); // a set empty string would count as true in a section
  }
  kainjow::mustache::mustache tmpl{std::string(templates::get("tollgate.yaml.mustache"))};
  if (!tmpl.is_valid()) {
    environment_error("the built-in tollgate.yaml template is invalid: " + tmpl.error_message());
  }
  const std::string text = tmpl.render(data);
  // What we write must load: a template mistake must never leave a broken config behind.
  auto parsed = core::parse_config(text, core::k_config_file);
  if (!parsed) {
    environment_error("the generated configuration does not load: " + parsed.error().message);
  }
  const MaintainersPlan maintainers = plan_maintainers(root, *parsed, options.force);
  std::vector<Written> also;
  if (!options.ci.empty()) {
    also = write_ci(root, options);
  }
  core::write_file_atomically(target, text);
  std::vector<std::string> wrote = write_maintainers(root, maintainers);
  wrote.insert(wrote.begin(), core::k_config_file);
  for (const auto& written : also) {
    wrote.push_back(written.path);
  }
  also.insert(also.begin(), Written{maintainers.path, maintainers.note});
  std::vector<std::string> warnings;
  if (auto warning = maintainers_warning(root, maintainers.path, parsed->approvals)) {
    warnings.push_back(std::move(*warning));
  }
  // What else promote would refuse in these files (a key file that is no key, a listed key without
  // its file); who can approve is the warning above.
  if (auto files = core::trust_root_files_in(root, *parsed)) {
    const core::TrustRootSummary summary = core::validate_trust_root(*files, std::time(nullptr));
    warnings.insert(warnings.end(), summary.problems.begin(),
                    summary.problems.begin() + static_cast<std::ptrdiff_t>(summary.file_problems));
  }
  const auto commit = commit_commands(root, wrote);
  if (auto remote = fetch_tollgate_refs(workspace, remote_origin, options.configure_remote)) {
    also.push_back(*remote);
  }

  std::vector<std::string> checks;
  if (precommit) {
    checks.emplace_back("pre-commit");
  }
  if (check_env) {
    checks.emplace_back("env (check_env.py)");
  }
  if (pytest) {
    checks.emplace_back("pytest");
  }
  checks.emplace_back("sandbox-limits");
  checks.emplace_back("approvals");
  if (globals.json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : also) {
      files.push_back({{"path", file.path}, {"note", file.note}});
    }
    print_json(nlohmann::json{{"wrote", target.string()},
                              {"changelog", changelog},
                              {"checks", checks},
                              {"limit_sources", sources},
                              {"version_files", version_files_json(versioned)},
                              {"repository", repository},
                              {"also", files},
                              {"warnings", warnings},
                              {"commit", commit}});
    return exit_code::k_ok;
  }
  fmt::print("wrote {}\n", core::display_path(target));
  for (const auto& file : also) {
    fmt::print("  {}: {}\n", file.path, file.note);
  }
  if (repository.empty()) {
    fmt::print("  no origin remote: set release.repository, the identity approvals name\n");
  }
  fmt::print("  checks: {}\n", fmt::join(checks, ", "));
  fmt::print("  changelog: {}{}\n", changelog, changelog_found ? "" : " (not there yet)");
  fmt::print("  sandbox limits read from: {}{}\n", fmt::join(sources, ", "),
             limits_found ? "" : " (none exists yet: set SANDBOX_CPU_SEC and SANDBOX_MEM_MB there)");
  print_version_files(versioned);
  if (!precommit) {
    fmt::print("  no .pre-commit-config.yaml: the pre-commit check is commented out\n");
  }
  if (!pytest) {
    fmt::print("  no pytest suite found: the pytest check is commented out\n");
  }
  for (const auto& warning : warnings) {
    print_warning(warning);
  }
  fmt::print("next: review them, run `tollgate check`, then commit them:\n{}\n", fmt::join(commit, "\n"));
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_init(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<InitOptions>();
  app.add_flag("--force,-f", options->force, "Overwrite an existing tollgate.yaml (and MAINTAINERS.yaml, CI file)");
  auto* ci = app.add_option("--ci", options->ci, "Also write the CI gate job: github or gitlab")
                 ->type_name("SYSTEM")
                 ->check(CLI::IsMember({"github", "gitlab"}));
  app.add_flag("--attest", options->attest,
               "With --ci: also write the job that runs the checks on the release branch and attests them")
      ->needs(ci);
  app.add_flag("--configure-remote", options->configure_remote,
               "Make origin fetch refs/tollgate/* (approvals, the audit log) with plain git fetch");
  return [options, &globals] { return run_init(*options, globals); };
}

} // namespace tollgate::cli
