#include "core/setup/doctor.hpp"

#include "core/checklist/workspace.hpp"
#include "core/config/config.hpp"
#include "core/trust/maintainers.hpp"
#include "core/trust/state_key.hpp"
#include "core/trust/trust_root.hpp"
#include "core/trust/trust_root_validation.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"
#include "gpg/keyring.hpp"
#include "proc/sandbox.hpp"
#include "util/fatal.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <unistd.h>

namespace tollgate::core {

std::string_view to_string(FindingLevel level)
{
  switch (level) {
  case FindingLevel::ok:
    return "ok";
  case FindingLevel::warn:
    return "warn";
  case FindingLevel::fail:
    return "fail";
  case FindingLevel::info:
    return "info";
  }
  return "info";
}

int DoctorReport::exit_code() const
{
  int code = tollgate::exit_code::k_ok;
  for (const auto& finding : findings) {
    if (finding.level == FindingLevel::fail) {
      code =
          finding.name == "config" ? tollgate::exit_code::k_usage : std::max(code, tollgate::exit_code::k_environment);
    }
  }
  return code;
}

namespace {

// Runs `argv` briefly (no sandbox needed: these are version queries) and returns its first output line.
Result<std::string> tool_version(const std::vector<std::string>& argv)
{
  const auto program = proc::find_program(argv.front());
  if (!program) {
    return fail(fmt::format("`{}` not found on PATH", argv.front()));
  }
  std::string output = (std::filesystem::temp_directory_path() / "tollgate-doctor-XXXXXX").string();
  const int fd = ::mkstemp(output.data());
  if (fd < 0) {
    return fail(fmt::format("cannot create a temporary file in {}", std::filesystem::temp_directory_path().string()));
  }
  ::close(fd);
  proc::Command command;
  command.argv = argv;
  command.output_path = output;
  proc::Limits limits;
  limits.timeout = std::chrono::seconds(20);
  auto outcome = proc::run(command, limits);
  // A version banner is short; the cap only guards against a tool that floods its output.
  constexpr std::size_t k_max_version_output = 64 * 1024;
  const std::string all = util::read_file_tail(output, k_max_version_output);
  std::error_code ignored;
  std::filesystem::remove(output, ignored);
  if (!outcome) {
    return std::unexpected(outcome.error());
  }
  const std::string first(util::trim(std::string_view(all).substr(0, all.find('\n'))));
  if (outcome->exit_code != 0) {
    return fail(fmt::format("{} at {}: {}", argv.front(), *program, outcome->describe()));
  }
  return fmt::format("{} ({})", first, *program);
}

// MAINTAINERS.yaml in the work tree parses, and every fingerprint it lists has its public key in
// .tollgate/keys/ (so CI machines with an empty keyring can verify approvals).
Finding examine_maintainers(const std::filesystem::path& root, const Config& config)
{
  namespace fs = std::filesystem;
  const std::string& name = config.approvals.maintainers;
  std::ifstream in(root / name, std::ios::binary);
  if (!in) {
    return {"maintainers", FindingLevel::warn, fmt::format("no {} (run `tollgate init`)", name)};
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto maintainers = parse_maintainers(text, name);
  if (!maintainers) {
    return {"maintainers", FindingLevel::fail, maintainers.error().message};
  }
  if (maintainers->list.empty()) {
    return {"maintainers", FindingLevel::fail,
            fmt::format("{} lists no maintainers yet: no approval can count until you add them", name)};
  }
  std::vector<gpg::ArmoredKey> keys;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(root / k_keys_dir, ec)) {
    if (entry.path().extension() == ".asc") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream key_in(file, std::ios::binary);
    keys.push_back({fmt::format("{}/{}", k_keys_dir, file.filename().string()),
                    std::string((std::istreambuf_iterator<char>(key_in)), std::istreambuf_iterator<char>())});
  }
  auto keyrings = user_state_subdir("keyrings");
  if (!keyrings) {
    return {"maintainers", FindingLevel::fail, keyrings.error().message};
  }
  auto keyring = gpg::Keyring::open(*keyrings, keys);
  if (!keyring) {
    return {"maintainers", FindingLevel::fail, keyring.error().message};
  }
  std::vector<std::string> missing;
  std::size_t fingerprints = 0;
  for (const auto& maintainer : maintainers->list) {
    for (const auto& key : maintainer.keys) {
      ++fingerprints;
      const gpg::KeyInfo* owner = keyring->owner_of(key);
      if (owner == nullptr || owner->fingerprint != key) {
        missing.push_back(fmt::format("{} ({})", maintainer.name, key));
      }
    }
  }
  if (!missing.empty()) {
    return {"maintainers", FindingLevel::fail,
            fmt::format("no public key in {}/ for {}", k_keys_dir, fmt::join(missing, ", "))};
  }
  const std::string listed =
      fmt::format("{}: {} maintainer{}, {} key{}, each in {}/", name, maintainers->list.size(),
                  maintainers->list.size() == 1 ? "" : "s", fingerprints, fingerprints == 1 ? "" : "s", k_keys_dir);
  // What promote would say of this trust root (core/trust_root_validation): who can approve at all.
  if (auto trust_files = trust_root_files_in(root, config)) {
    const TrustRootSummary summary = validate_trust_root(*trust_files, std::time(nullptr));
    if (!summary.ok()) {
      return {"maintainers", FindingLevel::warn, fmt::format("{}; but {}", listed, summary.problems.front())};
    }
  }
  return {"maintainers", FindingLevel::ok, listed};
}

} // namespace

DoctorReport doctor()
{
  DoctorReport report;
  std::vector<Finding>& findings = report.findings;
  findings.push_back(
      {"tollgate", FindingLevel::info, fmt::format("{} (libgit2 {})", TOLLGATE_VERSION, git::libgit2_version())});

  // Repository and configuration.
  std::optional<Config> config;
  auto repo = git::Repository::discover(std::filesystem::current_path());
  if (!repo) {
    findings.push_back({"repository", FindingLevel::warn, repo.error().message});
  } else {
    findings.push_back({"repository", FindingLevel::ok, repo->work_dir().parent_path().string()});
    const auto path = repo->work_dir() / k_config_file;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      findings.push_back({"config", FindingLevel::warn, fmt::format("no {} (run `tollgate init`)", k_config_file)});
    } else if (auto loaded = load_config(path); !loaded) {
      findings.push_back({"config", FindingLevel::fail, loaded.error().message});
    } else {
      config = std::move(*loaded);
      findings.push_back(
          {"config", FindingLevel::ok, fmt::format("{}: valid, {} checks", path.string(), config->checks.size())});
      findings.push_back(examine_maintainers(repo->work_dir(), *config));
    }
  }
  const auto uses = [&](std::string_view kind) {
    if (!config) {
      return false;
    }
    return std::any_of(config->checks.begin(), config->checks.end(),
                       [&](const CheckSpec& spec) { return spec.kind == kind; });
  };

  // git: tollgate uses libgit2; the CLI is only reported.
  if (auto git = proc::find_program("git")) {
    findings.push_back({"git", FindingLevel::ok, fmt::format("{} (tollgate itself uses libgit2)", *git)});
  } else {
    findings.push_back({"git", FindingLevel::info, "no `git` on PATH (not needed: tollgate uses libgit2)"});
  }

  // gpg, through gpgme, and a secret key that can sign.
  auto context = gpg::Context::create();
  if (!context) {
    findings.push_back({"gpg", FindingLevel::fail, context.error().message});
  } else if (auto engine = context->engine(); !engine) {
    findings.push_back({"gpg", FindingLevel::fail, engine.error().message});
  } else {
    findings.push_back({"gpg", FindingLevel::ok, fmt::format("gpg {} ({})", engine->version, engine->path)});
    auto keys = context->list_keys(true);
    if (!keys) {
      findings.push_back({"signing key", FindingLevel::warn, keys.error().message});
    } else {
      const auto usable =
          std::find_if(keys->begin(), keys->end(), [](const gpg::KeyInfo& k) { return k.usable_for_signing(); });
      if (usable == keys->end()) {
        findings.push_back(
            {"signing key", FindingLevel::warn,
             fmt::format("no usable secret key ({} secret keys; needed to approve and promote)", keys->size())});
      } else {
        findings.push_back(
            {"signing key", FindingLevel::ok, fmt::format("{} {}", usable->fingerprint, usable->user_id)});
      }
    }
  }

  // The tools the built-in checks run.
  const auto tool = [&](const std::string& name, const std::vector<std::string>& argv, bool needed) {
    auto version = tool_version(argv);
    if (version) {
      findings.push_back({name, FindingLevel::ok, *version});
    } else {
      findings.push_back({name, needed ? FindingLevel::fail : FindingLevel::warn, version.error().message});
    }
  };
  tool("pre-commit", {"pre-commit", "--version"}, uses("pre-commit"));
  if (proc::find_program("pytest")) {
    tool("pytest", {"pytest", "--version"}, uses("pytest"));
  } else {
    tool("pytest", {"python3", "-m", "pytest", "--version"}, uses("pytest"));
  }

  // Sandbox backends: each is tried for real.
  const proc::Network network = config ? config->sandbox.network : proc::Network::none;
  // firejail has no size option for its tmpfs: files there are memory the limit does not count. Run
  // as root, it makes no user namespace (docs/security.md, the backends' table).
  const auto scratch = [](proc::Backend backend) {
    return backend == proc::Backend::firejail ? "in-memory scratch not capped (docs/security.md)"
                                              : "in-memory scratch capped at the memory limit";
  };
  const bool root = geteuid() == 0;
  for (proc::Backend backend : {proc::Backend::namespaces, proc::Backend::bwrap, proc::Backend::firejail}) {
    auto works = proc::resolve_backend(backend, true);
    const bool firejail = backend == proc::Backend::firejail;
    const char* namespaces = firejail && root ? "mount, PID, IPC and network namespaces (no user namespace as root)"
                                              : "user, mount, PID, IPC, UTS and network namespaces";
    findings.push_back(
        {fmt::format("sandbox {}", proc::to_string(backend)), works ? FindingLevel::ok : FindingLevel::info,
         works ? fmt::format("confines: {}; read-only system; no capabilities; no_new_privs; seccomp{}; {}", namespaces,
                             firejail ? " (firejail's)" : "", scratch(backend))
               : works.error().message});
  }
  const proc::Backend requested = config ? config->sandbox.backend : proc::Backend::automatic;
  auto chosen = proc::resolve_backend(requested, true);
  if (chosen) {
    const bool uncapped = *chosen == proc::Backend::firejail;
    findings.push_back({"sandbox", uncapped ? FindingLevel::warn : FindingLevel::ok,
                        fmt::format("checks run confined under {}{}{}", proc::to_string(*chosen),
                                    network == proc::Network::allow ? " (this config allows the network)" : "",
                                    uncapped ? std::string("; ") + scratch(*chosen) : std::string())});
  } else {
    findings.push_back(
        {"sandbox", FindingLevel::fail, fmt::format("checks cannot be confined: {}", chosen.error().message)});
  }
  return report;
}

} // namespace tollgate::core
