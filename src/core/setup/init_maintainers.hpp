#pragma once
// The MAINTAINERS.yaml `tollgate init` writes (core/setup/init.hpp): an entry for this machine's
// signing key, or an empty list with the example commented out; and what it cannot approve.

#include "core/config/config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

// MAINTAINERS.yaml as init writes it, with the public key to export to .tollgate/keys/. Validated
// before anything is written; `kept` when the file exists and `force` was not given.
struct MaintainersPlan {
  std::string path; // relative to the root
  bool kept = false;
  std::string text;
  std::string key_path; // relative to the root; empty when no key is exported
  std::string armored_key;
  std::string note;
};

// Whether `path` exists (false when that cannot be told).
bool present(const std::filesystem::path& path);

// `text` as a YAML double-quoted scalar (a JSON string is one).
std::string yaml_quoted(const std::string& text);

// What init writes for `config`'s maintainers file under `root`: Fatal(3) when it would not load.
MaintainersPlan plan_maintainers(const std::filesystem::path& root, const Config& config, bool force);

// Writes what `plan` holds; returns the paths written (relative to the root).
std::vector<std::string> write_maintainers(const std::filesystem::path& root, const MaintainersPlan& plan);

// What the trust root in MAINTAINERS.yaml cannot do with approvals as configured: a warning, or
// nothing when every commit can be approved.
std::optional<std::string> maintainers_warning(const std::filesystem::path& root, const std::string& path,
                                               const ApprovalsConfig& approvals);

} // namespace tollgate::core
