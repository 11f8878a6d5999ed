#include "git/refs.hpp"

#include "git/handles.hpp"
#include "util/mapped_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>

namespace tollgate::git {

namespace {
std::optional<std::string_view> sorted_packed_refs(const std::filesystem::path& common);
std::vector<std::pair<std::string, std::string>> packed_under(std::string_view text, std::string_view prefix);
} // namespace

Result<std::optional<Oid>> read_ref(const Repository& repo, const std::string& name)
{
  // A ref that is not loose is looked up by a binary search in a sorted packed-refs file: libgit2
  // 1.5 would parse the whole file (~6 ms with 20,000 refs) to find one.
  if (name.starts_with("refs/")) {
    const std::filesystem::path common = git_repository_commondir(repo.get());
    std::error_code ec;
    if (!std::filesystem::exists(common / name, ec) && !ec) {
      if (const auto packed = sorted_packed_refs(common)) {
        for (const auto& [found, hex] : packed_under(*packed, name)) {
          if (found == name) {
            auto id = Oid::parse(hex);
            return id ? Result<std::optional<Oid>>(std::optional<Oid>(*id)) : fail(id.error().message);
          }
        }
        return std::optional<Oid>();
      }
    }
  }
  git_oid id{};
  const int error = git_reference_name_to_id(&id, repo.get(), name.c_str());
  if (error == GIT_ENOTFOUND) {
    return std::optional<Oid>();
  }
  if (error != 0) {
    return fail(last_error(fmt::format("cannot read {}", name)));
  }
  return std::optional<Oid>(Oid(id));
}

Result<std::vector<Ref>> list_refs(const Repository& repo, const std::string& glob)
{
  git_reference_iterator* iterator_raw = nullptr;
  if (git_reference_iterator_glob_new(&iterator_raw, repo.get(), glob.c_str()) != 0) {
    return fail(last_error(fmt::format("cannot list {}", glob)));
  }
  const ReferenceIteratorPtr iterator(iterator_raw);
  std::vector<Ref> refs;
  for (;;) {
    git_reference* ref_raw = nullptr;
    const int error = git_reference_next(&ref_raw, iterator_raw);
    if (error == GIT_ITEROVER) {
      break;
    }
    if (error != 0) {
      return fail(last_error(fmt::format("cannot list {}", glob)));
    }
    const ReferencePtr ref(ref_raw);
    if (git_reference_type(ref_raw) == GIT_REFERENCE_DIRECT) {
      refs.push_back(Ref{git_reference_name(ref_raw), Oid(*git_reference_target(ref_raw))});
      continue;
    }
    git_reference* resolved_raw = nullptr;
    if (git_reference_resolve(&resolved_raw, ref_raw) == 0) {
      const ReferencePtr resolved(resolved_raw);
      refs.push_back(Ref{git_reference_name(ref_raw), Oid(*git_reference_target(resolved_raw))});
    }
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
  return refs;
}

namespace {

// The lines of a sorted packed-refs file that name refs under `prefix`, as (name, oid hex).
std::vector<std::pair<std::string, std::string>> packed_under(std::string_view text, std::string_view prefix)
{
  // Binary search over line starts: the first line whose ref name is >= prefix.
  const auto line_start = [&](std::size_t pos) {
    const std::size_t newline = pos == 0 ? std::string_view::npos : text.rfind('\n', pos - 1);
    return newline == std::string_view::npos ? std::size_t{0} : newline + 1;
  };
  const auto name_at = [&](std::size_t start) -> std::string_view {
    const std::size_t end = text.find('\n', start);
    const std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (line.size() < 42 || line[0] == '#' || line[0] == '^') {
      return {};
    }
    return line.substr(41);
  };
  std::size_t low = 0;
  std::size_t high = text.size();
  while (low < high) {
    const std::size_t mid = line_start(low + (high - low) / 2);
    std::size_t start = mid;
    std::string_view name = name_at(start);
    while (name.empty() && start < text.size()) { // skip comment and peeled lines
      const std::size_t end = text.find('\n', start);
      start = end == std::string_view::npos ? text.size() : end + 1;
      name = name_at(start);
    }
    if (start >= high || name.empty() || name >= prefix) {
      high = mid;
    } else {
      const std::size_t end = text.find('\n', start);
      low = end == std::string_view::npos ? text.size() : end + 1;
    }
  }
  std::vector<std::pair<std::string, std::string>> found;
  for (std::size_t pos = low; pos < text.size();) {
    const std::size_t end = text.find('\n', pos);
    const std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (line.empty() || line[0] == '#' || line[0] == '^' || line.size() < 42) {
      continue;
    }
    const std::string_view name = line.substr(41);
    if (!name.starts_with(prefix)) {
      if (name > prefix) {
        break;
      }
      continue;
    }
    found.emplace_back(std::string(name), std::string(line.substr(0, 40)));
  }
  return found;
}

// The packed-refs file of `common`, mapped once per process while its size and mtime stay the same
// (git maps it too: a lookup touches a few pages, not 3.7 MB); "" when there is none; nullopt when
// it is not known to be sorted (then libgit2 must read it).
std::optional<std::string_view> sorted_packed_refs(const std::filesystem::path& common)
{
  namespace fs = std::filesystem;
  struct Cached {
    fs::path path;
    std::uintmax_t size = 0;
    fs::file_time_type mtime;
    std::optional<util::MappedFile> file;
    bool sorted = false;
  };
  static std::mutex mutex;
  static Cached cached;
  const std::lock_guard guard(mutex);
  const fs::path path = common / "packed-refs";
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    return std::string_view(); // no packed refs at all
  }
  const auto mtime = fs::last_write_time(path, ec);
  if (cached.path != path || cached.size != size || cached.mtime != mtime) {
    cached = Cached{path, size, mtime, util::MappedFile::open(path), false};
    if (!cached.file) {
      return std::nullopt; // unreadable here: libgit2 says why
    }
    const std::string_view text = cached.file->text();
    const std::string_view header = text.substr(0, text.find('\n'));
    cached.sorted = header.starts_with("# pack-refs with:") && header.find(" sorted") != std::string_view::npos;
  }
  if (!cached.sorted || !cached.file) {
    return std::nullopt;
  }
  return cached.file->text();
}

} // namespace

Result<std::vector<Ref>> list_refs_under(const Repository& repo, const std::string& prefix)
{
  namespace fs = std::filesystem;
  const fs::path common = git_repository_commondir(repo.get());
  const auto packed = sorted_packed_refs(common);
  if (!packed) {
    return list_refs(repo, prefix + "*"); // not known to be sorted: let libgit2 read it all
  }
  const std::string_view text = *packed;
  std::map<std::string, Oid> refs;
  for (const auto& [name, hex] : packed_under(text, prefix)) {
    if (auto id = Oid::parse(hex)) {
      refs[name] = *id;
    }
  }
  std::error_code ec;
  const fs::path loose_root = common / prefix;
  if (fs::is_directory(loose_root, ec)) {
    for (auto it = fs::recursive_directory_iterator(loose_root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->path().filename().string().ends_with(".lock")) {
        continue;
      }
      const std::string name = prefix + it->path().lexically_relative(loose_root).generic_string();
      auto target = read_ref(repo, name); // loose refs win over packed ones
      if (target && *target) {
        refs[name] = **target;
      } else {
        refs.erase(name);
      }
    }
  }
  std::vector<Ref> result;
  result.reserve(refs.size());
  for (auto& [name, id] : refs) {
    result.push_back(Ref{name, id});
  }
  return result;
}

Result<void> update_ref(const Repository& repo, const std::string& name, const Oid& target,
                        const std::optional<Oid>& expected, const std::string& log_message)
{
  git_reference* ref_raw = nullptr;
  int error = 0;
  if (expected) {
    error = git_reference_create_matching(&ref_raw, repo.get(), name.c_str(), target.ptr(), 1, expected->ptr(),
                                          log_message.c_str());
  } else {
    error = git_reference_create(&ref_raw, repo.get(), name.c_str(), target.ptr(), 0, log_message.c_str());
  }
  const ReferencePtr ref(ref_raw);
  if (error == GIT_EMODIFIED || error == GIT_EEXISTS) {
    return fail(fmt::format("{} was changed by someone else meanwhile (expected {}); nothing was updated", name,
                            expected ? expected->short_hex() : std::string("no reference")));
  }
  if (error == GIT_ELOCKED) {
    return fail(fmt::format("{} is locked by another writer; nothing was updated", name));
  }
  if (error != 0) {
    return fail(last_error(fmt::format("cannot update {}", name)));
  }
  return {};
}

Result<void> delete_ref(const Repository& repo, const std::string& name, const Oid& expected)
{
  git_reference* ref_raw = nullptr;
  if (git_reference_lookup(&ref_raw, repo.get(), name.c_str()) != 0) {
    return fail(fmt::format("{} does not exist", name));
  }
  const ReferencePtr ref(ref_raw);
  if (git_reference_type(ref_raw) != GIT_REFERENCE_DIRECT || Oid(*git_reference_target(ref_raw)) != expected) {
    return fail(fmt::format("{} was changed by someone else meanwhile; nothing was deleted", name));
  }
  if (git_reference_delete(ref_raw) != 0) {
    return fail(last_error(fmt::format("cannot delete {}", name)));
  }
  return {};
}

} // namespace tollgate::git
