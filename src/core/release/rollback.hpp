#pragma once
// `tollgate rollback`: redeploy a stage's release (stable by default) — verify it, check it out
// (detached, here or into a directory), run its deploy as the operator. With `demote`, first move
// the stage back to the release before it (or `to`), signed and recorded in the audit log with
// `reason`; the demotion is final before the redeploy starts.

#include "core/release/progress.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tollgate::core {

struct RollbackRequest {
  bool demote = false;
  std::string to; // with demote: the release to move back to ("": the one before)
  std::string reason;
  std::string worktree; // check the release out into this directory instead of here
  std::string key;
  std::string push; // with demote: the remote to push the demotion to
  bool dry_run = false;
  std::string stage; // "": stable
};

struct RollbackResult {
  bool dry_run = false;
  bool demote = false;
  bool pending_journal = false; // a dry run's demotion: an interrupted promotion is pending
  std::string demotion;         // a dry run's demotion: what it would do (one line)
  std::string from;             // the release at the stage before a demotion
  std::string release;          // the release redeployed
  std::string commit;
  std::string checkout; // "here", or the directory
  std::string deploy;   // the rendered deploy command ("": none configured)
  bool deployed = false;
  std::string outcome; // how the deploy ended
  std::string failure; // the deploy failed: why, and how to retry
  int exit_code = 0;
};

// Rolls back; Fatal with the contract's exit code when refused or when something fails — but a
// failed deploy under JSON, which the result reports (exit 3).
RollbackResult rollback(const RollbackRequest& request, Progress& progress);

// The --json document of `result`.
nlohmann::json to_json(const RollbackResult& result);

// What a dry run says, line by line (`json`: only what is said on stdout besides the document).
std::vector<std::string> dry_run_lines(const RollbackResult& result, bool json);

} // namespace tollgate::core
