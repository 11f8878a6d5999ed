#pragma once
// The release commit's edits of the version files: each located version string replaced by the
// released version, every other byte kept; and `verify`'s judgment of a release commit against them.

#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"
#include "version_files/entry.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::version_files {

struct FileEdit {
  std::string path;
  std::string before;
  std::string after;
  std::vector<std::string> old_versions; // each located version string, in file order
  bool changed() const { return before != after; }
  // "pyproject.toml 0.1.0 -> 0.2.0" (each distinct old version named once).
  std::string summary(std::string_view version) const;
};

// `text` (the content of `entry`'s file) with every version string set to `version`.
Result<FileEdit> edit_text(const Entry& entry, std::string text, std::string_view version);

// The edit of each of `entries` at `commit` for releasing `version`, unchanged files included. An
// error (the file missing or no regular file, no version, two where one is expected...) names
// `path:line:col` or the entry's place in tollgate.yaml: nothing may be written then.
Result<std::vector<FileEdit>> plan_edits(const git::Repository& repo, const git::Oid& commit,
                                         const std::vector<Entry>& entries, std::string_view version);

// The paths of the edits that change their file, "pyproject.toml, package.json".
std::string changed_list(const std::vector<FileEdit>& edits);

struct Finding {
  std::string name;
  bool ok = false;
  std::string detail;
};

// `verify`: the release commit `release` (on top of `candidate`) changes `changelog` and, besides it,
// only files of `entries` (the candidate's release.version_files; an error when its tollgate.yaml
// does not load), each exactly as releasing `version` edits it and keeping its mode. Findings:
// "changelog-only commit" (which paths changed), then "version files" when one of them did.
std::vector<Finding> judge_release_commit(const git::Repository& repo, const git::Oid& candidate,
                                          const git::Oid& release, const std::string& changelog,
                                          const Result<std::vector<Entry>>& entries, const std::string& version);

} // namespace tollgate::version_files
