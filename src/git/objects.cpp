#include "git/objects.hpp"

#include "git/handles.hpp"
#include "git/refs.hpp"
#include "util/memo.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::git {

namespace {

Signature signature_of(const git_signature* sig)
{
  if (sig == nullptr) {
    return {};
  }
  return Signature{sig->name != nullptr ? sig->name : "", sig->email != nullptr ? sig->email : "", sig->when.time,
                   sig->when.offset};
}

Result<TreePtr> tree_of(const Repository& repo, const Oid& commit)
{
  CommitPtr owned;
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo.get(), commit.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot read commit {}", commit.short_hex())));
  }
  owned.reset(raw);
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, raw) != 0) {
    return fail(last_error(fmt::format("cannot read the tree of {}", commit.short_hex())));
  }
  return TreePtr(tree);
}

} // namespace

std::string CommitInfo::summary() const
{
  const auto end = message.find('\n');
  return end == std::string::npos ? message : message.substr(0, end);
}

Result<Oid> resolve_commit(const Repository& repo, std::string_view rev)
{
  const std::string spec(rev);
  if (spec == "HEAD") {
    // Through read_ref, which finds a packed branch without parsing every packed ref.
    git_reference* head_raw = nullptr;
    if (git_reference_lookup(&head_raw, repo.get(), "HEAD") == 0) {
      const ReferencePtr head(head_raw);
      if (const char* target = git_reference_symbolic_target(head_raw); target != nullptr) {
        if (auto id = read_ref(repo, target); id && *id) {
          return peel_to_commit(repo, **id);
        }
      }
    }
  }
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo.get(), spec.c_str()) != 0) {
    return fail(fmt::format("`{}` does not name a commit in this repository", spec));
  }
  const ObjectPtr object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, raw, GIT_OBJECT_COMMIT) != 0) {
    return fail(
        fmt::format("`{}` does not name a commit (it is a {})", spec, git_object_type2string(git_object_type(raw))));
  }
  const ObjectPtr owned(peeled);
  return Oid(*git_object_id(peeled));
}

Result<Oid> peel_to_commit(const Repository& repo, const Oid& oid)
{
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo.get(), oid.ptr(), GIT_OBJECT_ANY) != 0) {
    return fail(last_error(fmt::format("cannot read object {}", oid.short_hex())));
  }
  const ObjectPtr object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, raw, GIT_OBJECT_COMMIT) != 0) {
    return fail(fmt::format("object {} is not a commit", oid.short_hex()));
  }
  const ObjectPtr owned(peeled);
  return Oid(*git_object_id(peeled));
}

Result<CommitInfo> read_commit(const Repository& repo, const Oid& id)
{
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo.get(), id.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot read commit {}", id.short_hex())));
  }
  const CommitPtr commit(raw);
  CommitInfo info;
  info.id = id;
  info.tree = Oid(*git_commit_tree_id(raw));
  const unsigned count = git_commit_parentcount(raw);
  info.parents.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    info.parents.emplace_back(*git_commit_parent_id(raw, i));
  }
  info.author = signature_of(git_commit_author(raw));
  info.committer = signature_of(git_commit_committer(raw));
  const char* message = git_commit_message_raw(raw);
  info.message = message != nullptr ? message : "";
  return info;
}

Result<TagInfo> read_tag(const Repository& repo, const Oid& id)
{
  git_tag* raw = nullptr;
  if (git_tag_lookup(&raw, repo.get(), id.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot read tag object {}", id.short_hex())));
  }
  const TagPtr tag(raw);
  TagInfo info;
  info.id = id;
  info.target = Oid(*git_tag_target_id(raw));
  info.target_type = git_tag_target_type(raw);
  info.name = git_tag_name(raw) != nullptr ? git_tag_name(raw) : "";
  if (const git_signature* tagger = git_tag_tagger(raw); tagger != nullptr) {
    info.tagger = signature_of(tagger);
  }
  info.message = git_tag_message(raw) != nullptr ? git_tag_message(raw) : "";
  return info;
}

Result<RawObject> read_raw(const Repository& repo, const Oid& id)
{
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, repo.get()) != 0) {
    return fail(last_error("cannot open the object database"));
  }
  const OdbPtr odb(odb_raw);
  git_odb_object* object_raw = nullptr;
  if (git_odb_read(&object_raw, odb_raw, id.ptr()) != 0) {
    return fail(fmt::format("object {} is missing", id.short_hex()));
  }
  const OdbObjectPtr object(object_raw);
  RawObject result;
  result.type = git_odb_object_type(object_raw);
  result.data.assign(static_cast<const char*>(git_odb_object_data(object_raw)), git_odb_object_size(object_raw));
  return result;
}

bool exists(const Repository& repo, const Oid& id)
{
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, repo.get()) != 0) {
    return false;
  }
  const OdbPtr odb(odb_raw);
  return git_odb_exists(odb_raw, id.ptr()) != 0;
}

Result<Oid> write_raw(const Repository& repo, std::string_view data, git_object_t type)
{
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, repo.get()) != 0) {
    return fail(last_error("cannot open the object database"));
  }
  const OdbPtr odb(odb_raw);
  git_oid id{};
  if (git_odb_write(&id, odb_raw, data.data(), data.size(), type) != 0) {
    return fail(last_error("cannot write an object"));
  }
  return Oid(id);
}

Result<bool> descends_from(const Repository& repo, const Oid& commit, const Oid& ancestor)
{
  if (commit == ancestor) {
    return true;
  }
  const int result = git_graph_descendant_of(repo.get(), commit.ptr(), ancestor.ptr());
  if (result < 0) {
    return fail(last_error(fmt::format("cannot compare {} with {}", commit.short_hex(), ancestor.short_hex())));
  }
  return result == 1;
}

namespace {

// The entry at `path` in `commit`'s tree; null when there is none.
Result<TreeEntryPtr> entry_at(const Repository& repo, const Oid& commit, std::string_view path)
{
  auto tree = tree_of(repo, commit);
  if (!tree) {
    return std::unexpected(tree.error());
  }
  const std::string wanted(path);
  git_tree_entry* entry_raw = nullptr;
  if (git_tree_entry_bypath(&entry_raw, tree->get(), wanted.c_str()) != 0) {
    return TreeEntryPtr();
  }
  return TreeEntryPtr(entry_raw);
}

} // namespace

Result<std::optional<std::string>> read_file_at(const Repository& repo, const Oid& commit, std::string_view path)
{
  auto entry = entry_at(repo, commit, path);
  if (!entry) {
    return std::unexpected(entry.error());
  }
  git_tree_entry* entry_raw = entry->get();
  if (entry_raw == nullptr || git_tree_entry_type(entry_raw) != GIT_OBJECT_BLOB) {
    return std::optional<std::string>();
  }
  git_blob* blob_raw = nullptr;
  if (git_blob_lookup(&blob_raw, repo.get(), git_tree_entry_id(entry_raw)) != 0) {
    return fail(last_error(fmt::format("cannot read {} at {}", path, commit.short_hex())));
  }
  const BlobPtr blob(blob_raw);
  return std::optional<std::string>(std::string(static_cast<const char*>(git_blob_rawcontent(blob_raw)),
                                                static_cast<std::size_t>(git_blob_rawsize(blob_raw))));
}

Result<std::optional<std::uint32_t>> file_mode_at(const Repository& repo, const Oid& commit, std::string_view path)
{
  auto entry = entry_at(repo, commit, path);
  if (!entry) {
    return std::unexpected(entry.error());
  }
  if (!*entry) {
    return std::optional<std::uint32_t>();
  }
  return std::optional<std::uint32_t>(static_cast<std::uint32_t>(git_tree_entry_filemode(entry->get())));
}

Result<std::vector<std::pair<std::string, std::string>>> read_dir_at(const Repository& repo, const Oid& commit,
                                                                     std::string_view dir)
{
  std::vector<std::pair<std::string, std::string>> files;
  auto tree = tree_of(repo, commit);
  if (!tree) {
    return std::unexpected(tree.error());
  }
  const std::string wanted(dir);
  git_tree_entry* entry_raw = nullptr;
  if (git_tree_entry_bypath(&entry_raw, tree->get(), wanted.c_str()) != 0) {
    return files;
  }
  const TreeEntryPtr entry(entry_raw);
  if (git_tree_entry_type(entry_raw) != GIT_OBJECT_TREE) {
    return files;
  }
  git_tree* sub_raw = nullptr;
  if (git_tree_lookup(&sub_raw, repo.get(), git_tree_entry_id(entry_raw)) != 0) {
    return fail(last_error(fmt::format("cannot read {} at {}", wanted, commit.short_hex())));
  }
  const TreePtr sub(sub_raw);
  // A tree's id names its blobs' contents: the same folder is read once per process (a gate reads
  // the trust root's keys in its preflight and in two checks; 100 keys are 100 loose objects).
  using Files = std::vector<std::pair<std::string, std::string>>;
  static util::Memo<std::pair<std::string, std::string>, Result<Files>> read;
  const auto key = std::make_pair(repo.git_dir().string(), Oid(*git_tree_entry_id(entry_raw)).hex());
  return read.get(key, [&]() -> Result<Files> {
    const std::size_t count = git_tree_entrycount(sub_raw);
    for (std::size_t i = 0; i < count; ++i) {
      const git_tree_entry* child = git_tree_entry_byindex(sub_raw, i);
      if (git_tree_entry_type(child) != GIT_OBJECT_BLOB) {
        continue;
      }
      git_blob* blob_raw = nullptr;
      if (git_blob_lookup(&blob_raw, repo.get(), git_tree_entry_id(child)) != 0) {
        return fail(
            last_error(fmt::format("cannot read {}/{} at {}", wanted, git_tree_entry_name(child), commit.short_hex())));
      }
      const BlobPtr blob(blob_raw);
      files.emplace_back(git_tree_entry_name(child),
                         std::string(static_cast<const char*>(git_blob_rawcontent(blob_raw)),
                                     static_cast<std::size_t>(git_blob_rawsize(blob_raw))));
    }
    std::sort(files.begin(), files.end());
    return files;
  });
}

namespace {

struct TreeWalk {
  const Repository* repo = nullptr;
  std::vector<std::pair<std::string, std::string>> files;
  std::optional<Error> error;
};

int collect_blob(const char* root, const git_tree_entry* entry, void* payload)
{
  auto& walk = *static_cast<TreeWalk*>(payload);
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
    return 0;
  }
  git_blob* blob_raw = nullptr;
  if (git_blob_lookup(&blob_raw, walk.repo->get(), git_tree_entry_id(entry)) != 0) {
    walk.error = Error{last_error(fmt::format("cannot read {}{}", root, git_tree_entry_name(entry)))};
    return -1;
  }
  const BlobPtr blob(blob_raw);
  walk.files.emplace_back(std::string(root) + git_tree_entry_name(entry),
                          std::string(static_cast<const char*>(git_blob_rawcontent(blob_raw)),
                                      static_cast<std::size_t>(git_blob_rawsize(blob_raw))));
  return 0;
}

} // namespace

Result<std::vector<std::pair<std::string, std::string>>> read_tree_at(const Repository& repo, const Oid& commit,
                                                                      std::string_view dir)
{
  auto tree = tree_of(repo, commit);
  if (!tree) {
    return std::unexpected(tree.error());
  }
  TreeWalk walk;
  walk.repo = &repo;
  const std::string wanted(dir);
  git_tree_entry* entry_raw = nullptr;
  if (git_tree_entry_bypath(&entry_raw, tree->get(), wanted.c_str()) != 0) {
    return walk.files;
  }
  const TreeEntryPtr entry(entry_raw);
  if (git_tree_entry_type(entry_raw) != GIT_OBJECT_TREE) {
    return walk.files;
  }
  git_tree* sub_raw = nullptr;
  if (git_tree_lookup(&sub_raw, repo.get(), git_tree_entry_id(entry_raw)) != 0) {
    return fail(last_error(fmt::format("cannot read {} at {}", wanted, commit.short_hex())));
  }
  const TreePtr sub(sub_raw);
  if (git_tree_walk(sub_raw, GIT_TREEWALK_PRE, &collect_blob, &walk) != 0 || walk.error) {
    return fail(walk.error ? walk.error->message : last_error(fmt::format("cannot walk {}", wanted)));
  }
  std::sort(walk.files.begin(), walk.files.end());
  return walk.files;
}

Result<std::vector<std::string>> changed_paths(const Repository& repo, const std::optional<Oid>& from, const Oid& to)
{
  TreePtr old_tree;
  if (from) {
    auto tree = tree_of(repo, *from);
    if (!tree) {
      return std::unexpected(tree.error());
    }
    old_tree = std::move(*tree);
  }
  auto new_tree = tree_of(repo, to);
  if (!new_tree) {
    return std::unexpected(new_tree.error());
  }
  git_diff* diff_raw = nullptr;
  if (git_diff_tree_to_tree(&diff_raw, repo.get(), old_tree.get(), new_tree->get(), nullptr) != 0) {
    return fail(last_error(fmt::format("cannot compare trees of {}", to.short_hex())));
  }
  const DiffPtr diff(diff_raw);
  std::vector<std::string> paths;
  const std::size_t count = git_diff_num_deltas(diff_raw);
  for (std::size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff_raw, i);
    if (delta->old_file.path != nullptr && delta->status != GIT_DELTA_ADDED) {
      paths.emplace_back(delta->old_file.path);
    }
    if (delta->new_file.path != nullptr && delta->status != GIT_DELTA_DELETED) {
      paths.emplace_back(delta->new_file.path);
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

Result<std::optional<std::string>> config_string(const Repository& repo, const std::string& key)
{
  git_config* config_raw = nullptr;
  if (git_repository_config_snapshot(&config_raw, repo.get()) != 0) {
    return fail(last_error("cannot read the git configuration"));
  }
  const ConfigPtr config(config_raw);
  git_buf value = GIT_BUF_INIT;
  const int error = git_config_get_string_buf(&value, config_raw, key.c_str());
  if (error == GIT_ENOTFOUND) {
    return std::optional<std::string>();
  }
  if (error != 0) {
    return fail(last_error(fmt::format("cannot read git config {}", key)));
  }
  std::string text(value.ptr, value.size);
  git_buf_dispose(&value);
  return std::optional<std::string>(std::move(text));
}

std::optional<std::string> remote_url(const Repository& repo, const std::string& name)
{
  // Read as a plain config value: git_remote_lookup leaks pcre2 match data in libgit2 1.5 (fixed
  // upstream by libgit2 PR #6382, in 1.6). `insteadOf` rewriting is therefore not applied.
  auto url = config_string(repo, "remote." + name + ".url");
  if (!url || !*url) {
    return std::nullopt;
  }
  return **url;
}

} // namespace tollgate::git
