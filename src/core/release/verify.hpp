#pragma once
// `tollgate verify`: re-verifies a release from the repository alone — the stable and release tag
// signatures, that the release commit is the approved candidate plus the CHANGELOG and the version
// strings of its release.version_files only (docs/version-files.md), that the
// recorded approvals were valid against the trust root at the stable release before it, and that
// the audit log is signed and unbroken.

#include "core/config/config.hpp"
#include "git/repository.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tollgate::core {

struct VerifyFinding {
  std::string name; // "release signature", "changelog-only commit", ...
  bool ok = false;
  std::string detail;
};

struct VerifyReport {
  std::string tag;     // what was asked for ("stable", "v1.4.0")
  std::string release; // the release it resolved to
  std::vector<VerifyFinding> findings;
  bool ok() const;
  nlohmann::json to_json() const;
};

// Fails only when `tag` names no tag; everything else is a finding. Every signature is verified
// afresh: no cached verdict is consulted.
Result<VerifyReport> verify_release(const git::Repository& repo, const Config& local, const std::string& tag);

// `tollgate verify [TAG]` in the repository here (bare too): `tag` ("": release.stable_tag) verified
// after the refusal of history rewrites (Fatal(3)); Fatal(2) when it names no tag.
VerifyReport verify(const std::string& tag);

} // namespace tollgate::core
