// The promotion's journal (DESIGN.md §5): what a promotion is about to do to the refs, written
// (authenticated under the per-user key) before any ref moves, applied with compare-and-swap, and
// found again after a crash to finish or abort; committing a release through it.

#include "core/release/promotion.hpp"

#include "core/checklist/workspace.hpp"
#include "core/release/lock.hpp"
#include "core/trust/promotion_record.hpp"
#include "core/trust/state_key.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/worktree.hpp"
#include "util/hmac.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::core {

namespace {

std::filesystem::path journal_path(const std::filesystem::path& git_dir)
{
  return git_dir / "tollgate" / "promotion.json";
}

// The journal's MAC under the per-user key: over its canonical bytes (compact, keys sorted), less
// the `mac` member itself.
std::string journal_mac(const std::string& key, nlohmann::json document)
{
  document.erase("mac");
  return state_mac(key, "tollgate promotion journal v1", document.dump());
}

// The journal's contents: nullopt when there is none; refused when it is a symbolic link or not a
// regular file.
Result<std::optional<std::string>> read_private_file(const std::filesystem::path& path)
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) {
      return std::optional<std::string>();
    }
    return fail(fmt::format("cannot open {}: {}", path.string(),
                            error == ELOOP ? "it is a symbolic link (refused)" : std::strerror(error)));
  }
  std::string text;
  struct stat info {};
  bool ok = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  std::array<char, 4096> buffer{};
  while (ok) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    ok = n >= 0;
    if (n <= 0) {
      break;
    }
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!ok) {
    return fail(fmt::format("cannot read {}: not a regular file", path.string()));
  }
  return std::optional<std::string>(std::move(text));
}

// A tag object whose message carries a promotion record (the release tag's), or why not.
Result<void> check_release_tag(const git::Repository& repo, const git::Oid& id)
{
  auto tag = git::read_tag(repo, id);
  if (!tag) {
    return fail(fmt::format("{} is not a tag object", id.short_hex()));
  }
  if (auto record = parse_release_message(tag->message); !record) {
    return fail(fmt::format("{} carries no promotion record: {}", id.short_hex(), record.error().message));
  }
  return {};
}

// Before anything is applied: every new value exists; the release tag carries a promotion record;
// the stable tag carries a stable record naming a release tag that does.
Result<void> check_journal_objects(const git::Repository& repo, const Journal& journal)
{
  for (const auto& update : journal.updates) {
    if (!git::exists(repo, update.new_value)) {
      return fail(fmt::format("{} would point {} at {}, which does not exist", journal.release, update.name,
                              update.new_value.hex()));
    }
    if (update.kind == "release-tag") {
      if (auto ok = check_release_tag(repo, update.new_value); !ok) {
        return fail(fmt::format("{}: {}", update.name, ok.error().message));
      }
    } else if (update.kind == "stable") {
      auto tag = git::read_tag(repo, update.new_value);
      auto record = tag ? parse_stable_message(tag->message) : Result<StableRecord>(fail("not a tag object"));
      if (!record) {
        return fail(fmt::format("{}: {} carries no stable record: {}", update.name, update.new_value.short_hex(),
                                record.error().message));
      }
      if (auto ok = check_release_tag(repo, record->release_tag); !ok) {
        return fail(fmt::format("{}: its release {}", update.name, ok.error().message));
      }
    }
  }
  return {};
}

} // namespace

Result<std::optional<Journal>> read_journal(const git::Repository& repo, const std::filesystem::path& git_dir)
{
  const std::filesystem::path path = journal_path(git_dir);
  auto text = read_private_file(path);
  if (!text) {
    return std::unexpected(text.error());
  }
  if (!*text) {
    return std::optional<Journal>();
  }
  nlohmann::json document = nlohmann::json::parse(**text, nullptr, false);
  const auto bad = [&] { return fail(fmt::format("{}: not a promotion journal", path.string())); };
  if (document.is_discarded() || !document.is_object()) {
    return bad();
  }
  const auto mac = document.find("mac");
  auto key = state_key();
  if (!key) {
    return fail(fmt::format("{}: cannot authenticate it: {}", path.string(), key.error().message));
  }
  if (mac == document.end() || !mac->is_string() ||
      !util::equal_constant_time(mac->get<std::string>(), journal_mac(*key, document))) {
    return fail(fmt::format("{} was not written by this user's tollgate (its authentication code is {})", path.string(),
                            mac == document.end() ? "missing" : "wrong"));
  }
  if (!document.contains("release") || !document["release"].is_string() || !document.contains("updates") ||
      !document["updates"].is_array()) {
    return bad();
  }
  Journal journal;
  journal.release = document["release"].get<std::string>();
  for (const auto& item : document["updates"]) {
    if (!item.is_object()) {
      return bad();
    }
    RefUpdate update;
    update.kind = item.value("kind", "");
    update.name = item.value("ref", "");
    auto next = git::Oid::parse(item.value("new", ""));
    if (!next || update.name.empty()) {
      return bad();
    }
    update.new_value = *next;
    if (item.contains("old") && !item["old"].is_null()) {
      auto old = git::Oid::parse(item["old"].is_string() ? item["old"].get<std::string>() : std::string());
      if (!old) {
        return bad();
      }
      update.old_value = *old;
    }
    journal.updates.push_back(std::move(update));
  }
  if (auto checked = check_journal_objects(repo, journal); !checked) {
    return fail(fmt::format("{}: {}", path.string(), checked.error().message));
  }
  return std::optional<Journal>(std::move(journal));
}

Result<void> apply_journal(const git::Repository& repo, const std::filesystem::path& git_dir, const Journal& journal)
{
  for (const auto& update : journal.updates) {
    auto current = git::read_ref(repo, update.name);
    if (!current) {
      return std::unexpected(current.error());
    }
    if (*current == update.new_value) {
      continue; // applied before an interruption
    }
    if (*current != update.old_value) {
      return fail(fmt::format("{} moved since the promotion of {} began (now {}); it was not changed", update.name,
                              journal.release, *current ? (*current)->short_hex() : std::string("deleted")));
    }
    if (auto moved = git::update_ref(repo, update.name, update.new_value, update.old_value,
                                     fmt::format("tollgate promote {}", journal.release));
        !moved) {
      return moved;
    }
    fault_point(("after-ref-" + update.kind).c_str());
  }
  // The branch moved to the CHANGELOG commit: bring the index and the work tree along. The journal
  // stays until they have: a full disk here leaves it for the next `tollgate promote` to finish.
  const auto branch = std::find_if(journal.updates.begin(), journal.updates.end(),
                                   [](const RefUpdate& update) { return update.kind == "branch"; });
  if (!repo.work_dir().empty() && branch != journal.updates.end() && branch->old_value) {
    if (auto checked_out = git::checkout_head(repo, *branch->old_value); !checked_out) {
      return fail(fmt::format("every ref moved, but the work tree was not updated: {}; `tollgate promote` finishes it",
                              checked_out.error().message));
    }
  }
  std::error_code ec;
  std::filesystem::remove(journal_path(git_dir), ec);
  return {};
}

Result<std::vector<std::string>> abort_journal(const git::Repository& repo, const std::filesystem::path& git_dir,
                                               const Journal& journal)
{
  std::vector<std::string> notes;
  bool branch_restored = false;
  std::optional<git::Oid> branch_new;
  for (auto update = journal.updates.rbegin(); update != journal.updates.rend(); ++update) {
    auto current = git::read_ref(repo, update->name);
    if (!current) {
      return std::unexpected(current.error());
    }
    if (*current == update->old_value) {
      continue; // never applied
    }
    if (*current != update->new_value) {
      notes.push_back(fmt::format("{} moved on since (now {}): left as it is", update->name,
                                  *current ? (*current)->short_hex() : std::string("deleted")));
      continue;
    }
    const Result<void> undone = update->old_value
                                    ? git::update_ref(repo, update->name, *update->old_value, update->new_value,
                                                      fmt::format("tollgate promote --abort {}", journal.release))
                                    : git::delete_ref(repo, update->name, update->new_value);
    if (!undone) {
      return std::unexpected(undone.error());
    }
    notes.push_back(fmt::format("{} restored to {}", update->name,
                                update->old_value ? update->old_value->short_hex() : std::string("nothing (deleted)")));
    if (update->kind == "branch") {
      branch_restored = true;
      branch_new = update->new_value;
    }
  }
  std::error_code ec;
  std::filesystem::remove(journal_path(git_dir), ec);
  if (branch_restored && !repo.work_dir().empty()) {
    if (auto checked_out = git::checkout_head(repo, *branch_new); !checked_out) {
      return std::unexpected(checked_out.error());
    }
  }
  return notes;
}

Result<void> write_journal(const std::filesystem::path& git_dir, const Journal& journal)
{
  auto key = state_key();
  if (!key) {
    return fail(fmt::format("cannot authenticate the promotion journal: {}", key.error().message));
  }
  if (auto dir = repository_state_dir(git_dir); !dir) {
    return std::unexpected(dir.error());
  }
  nlohmann::json updates = nlohmann::json::array();
  for (const auto& update : journal.updates) {
    updates.push_back({{"kind", update.kind},
                       {"ref", update.name},
                       {"old", update.old_value ? nlohmann::json(update.old_value->hex()) : nlohmann::json(nullptr)},
                       {"new", update.new_value.hex()}});
  }
  nlohmann::json document = {{"release", journal.release}, {"updates", updates}};
  document["mac"] = journal_mac(*key, document);
  // Written to a fresh file (never through a planted link) and renamed into place.
  const std::filesystem::path path = journal_path(git_dir);
  const std::filesystem::path scratch = path.string() + fmt::format(".tmp-{}", ::getpid());
  ::unlink(scratch.c_str());
  const int fd = ::open(scratch.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(fmt::format("cannot write {}: {}", scratch.string(), std::strerror(errno)));
  }
  const std::string text = document.dump(2) + "\n";
  const ssize_t n = ::write(fd, text.data(), text.size());
  const bool written = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  if (n >= 0 && static_cast<std::size_t>(n) < text.size()) {
    errno = ENOSPC; // a short write: the disk filled up
  }
  int error = errno;
  ::close(fd);
  if (!written || ::rename(scratch.c_str(), path.c_str()) != 0) {
    error = written ? errno : error;
    ::unlink(scratch.c_str());
    return fail(fmt::format("cannot write {}: {}", path.string(), std::strerror(error)));
  }
  return {};
}

Result<void> commit_release(const git::Repository& repo, const std::filesystem::path& git_dir, const Journal& journal)
{
  if (auto checked = check_journal_objects(repo, journal); !checked) {
    return checked;
  }
  if (auto written = write_journal(git_dir, journal); !written) {
    return written;
  }
  fault_point("after-journal");
  return apply_journal(repo, git_dir, journal);
}

} // namespace tollgate::core
