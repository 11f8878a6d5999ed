#include "version_files/edit.hpp"

#include "git/objects.hpp"
#include "version_files/locate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace tollgate::version_files {

namespace {

constexpr std::uint32_t k_regular = 0100644;
constexpr std::uint32_t k_executable = 0100755;

// `entry`'s file at `commit` and its mode, or an error naming the entry.
Result<std::pair<std::string, std::uint32_t>> file_at(const git::Repository& repo, const git::Oid& commit,
                                                      const Entry& entry)
{
  auto mode = git::file_mode_at(repo, commit, entry.path);
  if (!mode) {
    return std::unexpected(mode.error());
  }
  if (!*mode) {
    return fail(
        fmt::format("{}: version file `{}` does not exist at {}", entry.origin, entry.path, commit.short_hex()));
  }
  if (**mode != k_regular && **mode != k_executable) {
    return fail(fmt::format("{}: version file `{}` is not a regular file at {} (mode {:o})", entry.origin, entry.path,
                            commit.short_hex(), **mode));
  }
  auto text = git::read_file_at(repo, commit, entry.path);
  if (!text) {
    return std::unexpected(text.error());
  }
  return std::pair{text->value_or(""), **mode};
}

// The first line where `actual` and `expected` differ (1-based).
int first_difference(std::string_view actual, std::string_view expected)
{
  const auto mismatch = std::mismatch(actual.begin(), actual.end(), expected.begin(), expected.end());
  const auto offset = static_cast<std::size_t>(mismatch.first - actual.begin());
  return position_of(actual, offset).line;
}

} // namespace

std::string FileEdit::summary(std::string_view version) const
{
  std::vector<std::string> distinct;
  for (const auto& old : old_versions) {
    if (std::find(distinct.begin(), distinct.end(), old) == distinct.end()) {
      distinct.push_back(old);
    }
  }
  return fmt::format("{} {} -> {}", path, fmt::join(distinct, ", "), version);
}

Result<FileEdit> edit_text(const Entry& entry, std::string text, std::string_view version)
{
  auto spans = locate(entry, text);
  if (!spans) {
    return std::unexpected(spans.error());
  }
  FileEdit edit{entry.path, text, std::move(text), {}};
  for (const Span& span : *spans) {
    edit.old_versions.emplace_back(edit.before.substr(span.offset, span.length));
  }
  // Back to front, so that each span's offset still holds.
  for (auto span = spans->rbegin(); span != spans->rend(); ++span) {
    edit.after.replace(span->offset, span->length, version);
  }
  return edit;
}

Result<std::vector<FileEdit>> plan_edits(const git::Repository& repo, const git::Oid& commit,
                                         const std::vector<Entry>& entries, std::string_view version)
{
  std::vector<FileEdit> edits;
  for (const Entry& entry : entries) {
    auto file = file_at(repo, commit, entry);
    if (!file) {
      return std::unexpected(file.error());
    }
    auto edit = edit_text(entry, std::move(file->first), version);
    if (!edit) {
      return std::unexpected(edit.error());
    }
    edits.push_back(std::move(*edit));
  }
  return edits;
}

std::string changed_list(const std::vector<FileEdit>& edits)
{
  std::vector<std::string> paths;
  for (const auto& edit : edits) {
    if (edit.changed()) {
      paths.push_back(edit.path);
    }
  }
  return fmt::format("{}", fmt::join(paths, ", "));
}

std::vector<Finding> judge_release_commit(const git::Repository& repo, const git::Oid& candidate,
                                          const git::Oid& release, const std::string& changelog,
                                          const Result<std::vector<Entry>>& entries, const std::string& version)
{
  const std::string name = "changelog-only commit";
  auto paths = git::changed_paths(repo, candidate, release);
  if (!paths) {
    return {{name, false, paths.error().message}};
  }
  std::set<std::string> configured;
  if (entries) {
    for (const Entry& entry : *entries) {
      configured.insert(entry.path);
    }
  }
  std::vector<std::string> extra;
  std::vector<const Entry*> versioned;
  for (const auto& path : *paths) {
    if (path == changelog) {
      continue;
    }
    if (configured.contains(path)) {
      versioned.push_back(
          &*std::find_if(entries->begin(), entries->end(), [&](const Entry& e) { return e.path == path; }));
    } else {
      extra.push_back(path);
    }
  }
  const bool has_changelog = std::find(paths->begin(), paths->end(), changelog) != paths->end();
  if (!has_changelog || !extra.empty()) {
    std::string detail = !has_changelog
                             ? fmt::format("{} does not change {}", release.short_hex(), changelog)
                             : fmt::format("{} changes {} besides {}{}", release.short_hex(), fmt::join(extra, ", "),
                                           changelog, configured.empty() ? "" : " and the version files");
    if (!entries && !extra.empty()) {
      detail += fmt::format(" (the candidate's release.version_files cannot be read: {})", entries.error().message);
    }
    return {{name, false, detail}};
  }
  std::vector<std::string> versioned_paths;
  for (const Entry* entry : versioned) {
    versioned_paths.push_back(entry->path);
  }
  std::vector<Finding> findings{
      {name, true,
       versioned.empty() ? fmt::format("{} = candidate {} + {}", release.short_hex(), candidate.short_hex(), changelog)
                         : fmt::format("{} = candidate {} + {} and the version in {}", release.short_hex(),
                                       candidate.short_hex(), changelog, fmt::join(versioned_paths, ", "))}};
  if (versioned.empty()) {
    return findings;
  }
  std::vector<std::string> held;
  std::vector<std::string> broken;
  for (const Entry* entry : versioned) {
    auto before = file_at(repo, candidate, *entry);
    auto after = file_at(repo, release, *entry);
    if (!before || !after) {
      broken.push_back(!before ? before.error().message : after.error().message);
      continue;
    }
    auto expected = edit_text(*entry, before->first, version);
    if (!expected) {
      broken.push_back(expected.error().message);
    } else if (after->first != expected->after) {
      broken.push_back(fmt::format("{} changes more than its version string (line {})", entry->path,
                                   first_difference(after->first, expected->after)));
    } else if (after->second != before->second) {
      broken.push_back(fmt::format("{} changes its mode ({:o} -> {:o})", entry->path, before->second, after->second));
    } else {
      held.push_back(expected->summary(version));
    }
  }
  findings.push_back(
      {"version files", broken.empty(),
       broken.empty() ? fmt::format("{}", fmt::join(held, "; ")) : fmt::format("{}", fmt::join(broken, "; "))});
  return findings;
}

} // namespace tollgate::version_files
