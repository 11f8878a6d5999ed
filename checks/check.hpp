#pragma once
// The Check interface: one implementation per file of this folder (checks/). A check runs against a shared
// Context and returns a CheckResult; it never prints (the reporter does).

#include "core/config/config.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "proc/sandbox.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tollgate::checks {

enum class Status { pass, fail, skipped, error };
std::string_view to_string(Status status);

struct CheckResult {
  Status status = Status::pass;
  std::string summary; // one line
  double seconds = 0;
  std::filesystem::path log;                         // captured output, empty when the check ran nothing
  std::optional<proc::Outcome> outcome;              // when a command ran
  nlohmann::json details = nlohmann::json::object(); // structured facts for JSON and the policy input
  std::vector<std::string> problems;                 // one line each (e.g. why an approval does not count): annotations
};

struct Context {
  std::filesystem::path root;    // the repository's work tree
  std::filesystem::path git_dir; // the repository's .git directory (read-only or hidden for checks)
  // When the checks run on a snapshot: `root` is the snapshot, `source_root` the repository's work
  // tree (hidden from checks), `shared_paths` what checks may read of it (its objects).
  std::filesystem::path source_root;
  std::vector<std::string> shared_paths;
  const core::Config* config = nullptr;
  std::filesystem::path log_dir; // this run's log directory
  proc::Limits limits;           // effective sandbox limits (timeout = the default)
  const std::atomic<bool>* cancel = nullptr;
  std::string revision = "HEAD"; // the candidate: what approvals, policies and the changelog look at
  // True for promote, gate and `check REV`: checks read the candidate's files from the commit
  // `revision`, never from `root` (which may hold anything, a check's own rewrites included).
  bool snapshot = false;
  // The checks declared before this one that have finished: id -> {kind, status, summary, seconds,
  // details} (what the policy input's `checks`, `approvals` and `sandbox` are built from).
  nlohmann::json earlier = nlohmann::json::object();
  // `check --attest --shard I/N`: pytest runs slice `shard_index` (1-based) of `shard_count` of its
  // tests (docs/attestations.md); 0: all of them.
  unsigned shard_index = 0;
  unsigned shard_count = 0;
};

// The repository a check runs in and the candidate commit `context.revision` names.
struct Candidate {
  git::Repository repo;
  git::Oid commit;
};
Result<Candidate> open_candidate(const Context& context);

class Check {
public:
  explicit Check(core::CheckSpec spec) : m_spec(std::move(spec)) {}
  virtual ~Check() = default;
  Check(const Check&) = delete;
  Check& operator=(const Check&) = delete;

  const core::CheckSpec& spec() const { return m_spec; }
  const std::string& id() const { return m_spec.id; }

  // True when the check may run concurrently with other such checks (`--jobs N`):
  // it reads the tree and writes nothing another check reads.
  virtual bool concurrent() const { return true; }

  virtual CheckResult run(const Context& context) = 0;

protected:
  core::CheckSpec m_spec;
};

using CheckFactory = std::unique_ptr<Check> (*)(const core::CheckSpec& spec, const std::string& file);

} // namespace tollgate::checks
