#pragma once
// The repository tollgate works on: its root, its git directory, its configuration, the
// effective sandbox limits, and the per-run log directory under `.git/tollgate/logs/`.

#include "core/config/config.hpp"
#include "git/repository.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::core {

struct Workspace {
  std::filesystem::path root; // the work tree; empty in a bare repository
  std::filesystem::path git_dir;
  std::filesystem::path config_path;
  bool bare() const { return root.empty(); }
};

// Whether a command can do its work in a bare repository (from objects and refs alone).
enum class WorkTree { required, optional };

// Finds the repository containing the current directory; Fatal(environment) outside one, and in
// a bare repository when the command needs a work tree.
Workspace find_workspace(WorkTree work_tree = WorkTree::required);

// Fatal(environment) in a bare repository: `what` needs a work tree; `instead` says what works there.
void require_work_tree(const Workspace& workspace, std::string_view what, std::string_view instead);

// Loads `<root>/tollgate.yaml` (in a bare repository: tollgate.yaml in HEAD's commit); Fatal(usage)
// when it is missing or invalid.
Config load_workspace_config(const Workspace& workspace);

// The sandbox limits checks run under: `tollgate.yaml`'s `sandbox`, where SANDBOX_CPU_SEC and
// SANDBOX_MEM_MB from the environment apply when the file leaves them unset and may only lower
// them when it sets them. Fatal(usage) for a malformed environment value.
proc::Limits effective_limits(const SandboxConfig& sandbox);

// `.git/tollgate` (and `.git/tollgate/<sub>` when `sub` is given), created if absent; refused when
// either is a symbolic link or not a directory: tollgate's own files never follow a planted link.
Result<std::filesystem::path> repository_state_dir(const std::filesystem::path& git_dir, std::string_view sub = {});

// Creates `.git/tollgate/logs/<run-id>/` (mode 0700; an existing one, or a symbolic link on the
// way, is refused) and prunes all but the newest `keep` runs. In a read-only repository, a fresh
// private directory under $TMPDIR instead, said on stderr.
std::filesystem::path create_run_dir(const Workspace& workspace, std::string& run_id, std::size_t keep = 20);

} // namespace tollgate::core
