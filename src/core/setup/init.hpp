#pragma once
// `tollgate init`: a commented tollgate.yaml from templates/, adapted to what the repository has (a
// changelog, .pre-commit-config.yaml, a pytest suite, check_env.py, .env and manifests, version
// files), a MAINTAINERS.yaml that loads, and the CI jobs; all or nothing, never overwriting without
// `force`; with `configure_remote`, origin fetching refs/tollgate/*.

#include "core/checklist/workspace.hpp"
#include "version_files/detect.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace tollgate::core {

struct InitRequest {
  bool force = false;            // overwrite tollgate.yaml, MAINTAINERS.yaml and the CI files
  std::string ci;                // empty, github or gitlab: also the CI gate job
  bool attest = false;           // with `ci`: also the job that attests the checks
  bool configure_remote = false; // make origin fetch refs/tollgate/*
};

// A file (or setting) init wrote or looked at, and what to know about it.
struct InitNote {
  std::string path;
  std::string note;
};

struct InitResult {
  std::filesystem::path config;    // tollgate.yaml
  bool kept = false;               // it existed and was kept (`ci` or `configure_remote` without `force`)
  std::vector<InitNote> also;      // MAINTAINERS.yaml, the CI files, origin's fetch refspecs
  std::vector<std::string> commit; // the git commands that commit what was written (empty: nothing)
  // What the written tollgate.yaml was adapted to (not set when `kept`).
  std::string changelog;
  bool changelog_found = false;
  bool precommit = false;
  bool pytest = false;
  std::vector<std::string> checks; // the checks it enables, as shown
  std::vector<std::string> limit_sources;
  bool limits_found = false; // one of `limit_sources` exists
  version_files::Detection version_files;
  std::string repository;            // origin's identity; empty without an origin
  std::vector<std::string> warnings; // what promote would refuse in the trust root written or kept
};

// Sets up tollgate in `workspace`: Fatal(2) when a file exists and `force` is not given, Fatal(3)
// when what it would write does not load or `configure_remote` finds no origin; nothing is written then.
InitResult init(const Workspace& workspace, const InitRequest& request);

} // namespace tollgate::core
