// `tollgate init`: writes a commented tollgate.yaml from templates/, adapted to what the repository
// has (a changelog, .pre-commit-config.yaml, a pytest suite, check_env.py, .env and manifests).
// Never overwrites without --force; prints what it wrote.

#include "cli/common.hpp"
#include "core/config.hpp"
#include "core/report.hpp"
#include "core/templates.hpp"
#include "core/workspace.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

namespace tollgate::cli {

namespace {

namespace fs = std::filesystem;

struct InitOptions {
  bool force = false;
};

bool present(const fs::path& path)
{
  std::error_code ec;
  return fs::exists(path, ec);
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

int run_init(const InitOptions& options, const Globals& globals)
{
  const core::Workspace workspace = core::find_workspace();
  const fs::path& root = workspace.root;
  const fs::path target = workspace.config_path;
  if (present(target) && !options.force) {
    usage_error(fmt::format("{} exists; use --force to overwrite it", core::display_path(target)));
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

  kainjow::mustache::data data;
  data.set("branch", "main");
  data.set("changelog", changelog);
  data.set("changelog_found", changelog_found);
  data.set("precommit", precommit);
  data.set("pytest", pytest);
  data.set("check_env", check_env);
  data.set("limit_sources", fmt::format("{}", fmt::join(sources, ", ")));
  kainjow::mustache::mustache tmpl{std::string(templates::get("tollgate.yaml.mustache"))};
  if (!tmpl.is_valid()) {
    environment_error("the built-in tollgate.yaml template is invalid: " + tmpl.error_message());
  }
  const std::string text = tmpl.render(data);
  // What we write must load: a template mistake must never leave a broken config behind.
  if (auto parsed = core::parse_config(text, core::k_config_file); !parsed) {
    environment_error("the generated configuration does not load: " + parsed.error().message);
  }
  core::write_file_atomically(target, text);

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
  if (globals.json) {
    print_json(nlohmann::json{
        {"wrote", target.string()}, {"changelog", changelog}, {"checks", checks}, {"limit_sources", sources}});
    return exit_code::k_ok;
  }
  fmt::print("wrote {}\n", core::display_path(target));
  fmt::print("  checks: {}\n", fmt::join(checks, ", "));
  fmt::print("  changelog: {}{}\n", changelog, changelog_found ? "" : " (not there yet)");
  fmt::print("  sandbox limits read from: {}{}\n", fmt::join(sources, ", "),
             limits_found ? "" : " (none exists yet: set SANDBOX_CPU_SEC and SANDBOX_MEM_MB there)");
  if (!precommit) {
    fmt::print("  no .pre-commit-config.yaml: the pre-commit check is commented out\n");
  }
  if (!pytest) {
    fmt::print("  no pytest suite found: the pytest check is commented out\n");
  }
  fmt::print("next: review it, then run `tollgate check`\n");
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_init(CLI::App& app, const Globals& globals)
{
  auto options = std::make_shared<InitOptions>();
  app.add_flag("--force,-f", options->force, "Overwrite an existing tollgate.yaml");
  return [options, &globals] { return run_init(*options, globals); };
}

} // namespace tollgate::cli
