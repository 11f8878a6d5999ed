#pragma once
// `promote --stage NAME [TAG]` (docs/stages.md): the release at the stage before moves to NAME, all
// or nothing, after its soak, its sign-offs and the stage's verify; then the stage's deploy.

#include "core/release/progress.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tollgate::core {

struct StageMoveRequest {
  std::string stage;
  std::string release; // empty: the release at the stage before
  std::string key;
  std::string push;
  bool dry_run = false;
};

struct StageMoveResult {
  bool dry_run = false;
  std::string release; // "v1.4.0"
  std::string from;    // the stage before
  std::string stage;
  std::int64_t held = 0; // seconds at `from`
  int counted = 0;       // sign-offs that count
  nlohmann::json signoffs = nlohmann::json::array();
  std::string verify; // the rendered verify command ("" : none)
  std::string deploy; // a dry run: the rendered deploy command ("": none)
  std::string verify_log;
  bool deployed = false;
  std::string pushed; // the remote pushed to ("": none)
};

// Moves the release; Fatal(1) when refused (soak, sign-offs, verify, ancestry), Fatal(2) for a
// stage that does not exist, Fatal(3) for the environment. Progress says what runs as it runs.
StageMoveResult stage_move(const StageMoveRequest& request, Progress& progress);

// The --json document of `result`.
nlohmann::json to_json(const StageMoveResult& result);

// What a dry run says it would do, line by line.
std::vector<std::string> dry_run_lines(const StageMoveResult& result);

} // namespace tollgate::core
