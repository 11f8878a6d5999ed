#pragma once
// `tollgate.yaml` (DESIGN.md §3) as plain structs with defaults. Loading is strict: unknown keys,
// wrong types, out-of-range values, unknown check kinds and duplicate ids are errors naming
// `file:line:col`, with a suggestion for misspelt keys.

#include "changelog/settings.hpp"
#include "git/oid.hpp"
#include "proc/sandbox.hpp"
#include "util/expected.hpp"
#include "version_files/entry.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

inline constexpr const char* k_config_file = "tollgate.yaml";

// Where a value came from, for error messages (1-based; 0 when unknown).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const; // "tollgate.yaml:12:5" (or just the file)
};

// One stage of `release.stages` (docs/stages.md): a signed tag of that name moves to a release once
// the release has held the stage `after` for `soak` seconds, `signoffs` maintainers signed it off
// for this stage and `verify` passed. `deploy` and `verify` are the operator's commands: read from
// tollgate.yaml at the trust root only, run unconfined (mustache: {{tag}}, {{version}}, {{commit}},
// {{stage}}).
struct StageConfig {
  std::string name;
  std::string deploy;
  std::string after;  // the stage before (the one listed before it); empty for the first
  long long soak = 0; // seconds
  int signoffs = 0;
  std::string verify;
  double timeout = 3600; // seconds, for deploy and verify each
  Location location;
};

struct ReleaseConfig {
  std::string branch = "main";
  std::string tag_prefix = "v";
  std::string stable_tag = "stable";
  std::string changelog = "CHANGELOG.md";
  std::string signing_key;
  std::string repository; // identity used in approvals (core/repository_identity); default: the origin URL
  std::string remote;     // a git remote's name: `promote` checks it first and pushes to it; empty: none
  std::vector<version_files::Entry> version_files; // whose version string the release commit sets
  std::vector<StageConfig> stages; // empty: one stage, `stable_tag`; else the last one is named `stable_tag`
};

// `1h30m`, `45s`, `2d`, `90` (seconds): nullopt when it is none of these.
std::optional<long long> parse_duration(std::string_view text);

struct ApprovalsConfig {
  int required = 2;
  std::string maintainers = "MAINTAINERS.yaml";
  std::string bind = "commit"; // commit | tree
  bool exclude_author = true;
  std::vector<std::string> roles; // each needs at least one counted approval by a maintainer holding it
};

struct SandboxConfig {
  unsigned cpu_sec = 600;
  unsigned mem_mb = 4096;
  bool cpu_sec_set = false; // written in the file (then SANDBOX_CPU_SEC may only lower it)
  bool mem_mb_set = false;
  double timeout = 3600; // default wall-clock limit of a check, seconds
  proc::Network network = proc::Network::none;
  proc::Backend backend = proc::Backend::automatic;
  std::vector<std::string> passenv; // environment names a check may see beyond the allowlist
  bool confine = true;              // false: checks run unconfined (counts only from the trust root)
  unsigned max_procs = 512;         // process-count limit per check
};

// One entry of `checks:`; kind-specific options stay as YAML for the check to validate.
struct CheckSpec {
  std::string kind;
  std::string id;
  std::optional<double> timeout; // seconds
  std::string when_exists;       // run only when this path exists (relative to the repository root)
  YAML::Node options;            // the whole mapping, common keys included
  Location location;
};

struct RollbackConfig {
  std::string deploy; // mustache: {{tag}}, {{version}}, {{commit}}
  // A deployment usually needs the network; its CPU and memory limits are the sandbox's.
  proc::Network network = proc::Network::allow;
  double timeout = 3600; // seconds
};

// Where the trust root is read instead of at `stable`: set only by `promote --recover-trust-root`
// (core/trust_root_recovery.hpp), never from a file.
struct TrustRootOverride {
  git::Oid commit;     // the last release whose trust root is usable
  std::string release; // its tag, "v1.3.1"
  std::string source;  // how messages name it
};

// How signatures are verified (core/signature_verifier.hpp): in-process with RNP, or by gpg through
// gpgme. An operator's choice, read from the work tree's tollgate.yaml: both give the same verdicts.
enum class VerifyBackend { rnp, gpgme };

struct GpgConfig {
  VerifyBackend verify = VerifyBackend::rnp;
};

struct Config {
  int version = 1;
  ReleaseConfig release;
  ApprovalsConfig approvals;
  SandboxConfig sandbox;
  std::vector<CheckSpec> checks;
  RollbackConfig rollback;
  changelog::Settings changelog; // the `changelog:` section (docs/changelog.md)
  GpgConfig gpg;
  std::filesystem::path path; // the file it was read from (empty for defaults)
  std::optional<TrustRootOverride> trust_root_override;
};

// Parses `text` as the content of `file_label` (used in messages).
Result<Config> parse_config(std::string_view text, const std::string& file_label);

// Reads and parses `path`; the label in messages is `path` relative to the current directory
// when shorter.
Result<Config> load_config(const std::filesystem::path& path);

} // namespace tollgate::core
