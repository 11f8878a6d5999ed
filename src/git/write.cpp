#include "git/write.hpp"

#include "git/handles.hpp"

#include <fmt/format.h>

namespace tollgate::git {

namespace {

TOLLGATE_GIT_HANDLE(SignaturePtr, git_signature, git_signature_free);
TOLLGATE_GIT_HANDLE(TreeBuilderPtr, git_treebuilder, git_treebuilder_free);

Result<SignaturePtr> make_signature(const Signature& who)
{
  git_signature* raw = nullptr;
  if (git_signature_new(&raw, who.name.c_str(), who.email.c_str(), who.time, who.offset) != 0) {
    return fail(last_error(fmt::format("invalid identity `{} <{}>`", who.name, who.email)));
  }
  return SignaturePtr(raw);
}

Result<Oid> write_blob(const Repository& repo, std::string_view content)
{
  git_oid id{};
  if (git_blob_create_from_buffer(&id, repo.get(), content.data(), content.size()) != 0) {
    return fail(last_error("cannot write a blob"));
  }
  return Oid(id);
}

} // namespace

Result<Oid> tree_with_file(const Repository& repo, const Oid& base_commit, std::string_view path,
                           std::string_view content)
{
  return tree_with_files(repo, base_commit, {{std::string(path), std::string(content)}});
}

Result<Oid> tree_with_files(const Repository& repo, const Oid& base_commit,
                            const std::vector<std::pair<std::string, std::string>>& files)
{
  auto commit = read_commit(repo, base_commit);
  if (!commit) {
    return std::unexpected(commit.error());
  }
  git_tree* base_raw = nullptr;
  if (git_tree_lookup(&base_raw, repo.get(), commit->tree.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot read the tree of {}", base_commit.short_hex())));
  }
  const TreePtr base(base_raw);
  std::vector<git_oid> blobs;
  blobs.reserve(files.size());
  std::vector<git_tree_update> updates;
  for (const auto& [path, content] : files) {
    auto blob = write_blob(repo, content);
    if (!blob) {
      return blob;
    }
    blobs.push_back(blob->raw());
    git_tree_update update{};
    update.action = GIT_TREE_UPDATE_UPSERT;
    update.filemode = GIT_FILEMODE_BLOB;
    git_tree_entry* existing = nullptr;
    if (git_tree_entry_bypath(&existing, base_raw, path.c_str()) == 0) {
      const TreeEntryPtr owned(existing);
      if (git_tree_entry_filemode(existing) == GIT_FILEMODE_BLOB_EXECUTABLE) {
        update.filemode = GIT_FILEMODE_BLOB_EXECUTABLE;
      }
    }
    update.path = path.c_str();
    updates.push_back(update);
  }
  for (std::size_t i = 0; i < updates.size(); ++i) {
    updates[i].id = blobs[i];
  }
  git_oid id{};
  if (git_tree_create_updated(&id, repo.get(), base_raw, updates.size(), updates.data()) != 0) {
    return fail(last_error("cannot write the release tree"));
  }
  return Oid(id);
}

Result<Oid> tree_of_files(const Repository& repo, const std::vector<std::pair<std::string, std::string>>& files)
{
  git_treebuilder* raw = nullptr;
  if (git_treebuilder_new(&raw, repo.get(), nullptr) != 0) {
    return fail(last_error("cannot build a tree"));
  }
  const TreeBuilderPtr builder(raw);
  for (const auto& [name, content] : files) {
    auto blob = write_blob(repo, content);
    if (!blob) {
      return blob;
    }
    if (git_treebuilder_insert(nullptr, raw, name.c_str(), blob->ptr(), GIT_FILEMODE_BLOB) != 0) {
      return fail(last_error(fmt::format("cannot add {} to a tree", name)));
    }
  }
  git_oid id{};
  if (git_treebuilder_write(&id, raw) != 0) {
    return fail(last_error("cannot write a tree"));
  }
  return Oid(id);
}

Result<std::string> commit_buffer(const Repository& repo, const Oid& tree, const std::vector<Oid>& parents,
                                  const Signature& author, const Signature& committer, std::string_view message)
{
  auto author_sig = make_signature(author);
  auto committer_sig = make_signature(committer);
  if (!author_sig || !committer_sig) {
    return fail(!author_sig ? author_sig.error().message : committer_sig.error().message);
  }
  git_tree* tree_raw = nullptr;
  if (git_tree_lookup(&tree_raw, repo.get(), tree.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot read tree {}", tree.short_hex())));
  }
  const TreePtr tree_owned(tree_raw);
  std::vector<CommitPtr> parent_owned;
  std::vector<const git_commit*> parent_ptrs;
  for (const auto& parent : parents) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo.get(), parent.ptr()) != 0) {
      return fail(last_error(fmt::format("cannot read commit {}", parent.short_hex())));
    }
    parent_owned.emplace_back(raw);
    parent_ptrs.push_back(raw);
  }
  const std::string text(message);
  git_buf buffer = GIT_BUF_INIT;
  if (git_commit_create_buffer(&buffer, repo.get(), author_sig->get(), committer_sig->get(), nullptr, text.c_str(),
                               tree_raw, parent_ptrs.size(), parent_ptrs.data()) != 0) {
    return fail(last_error("cannot build a commit"));
  }
  std::string result(buffer.ptr, buffer.size);
  git_buf_dispose(&buffer);
  return result;
}

Result<Oid> write_commit(const Repository& repo, const std::string& buffer, const std::string& signature)
{
  git_oid id{};
  if (git_commit_create_with_signature(&id, repo.get(), buffer.c_str(), signature.empty() ? nullptr : signature.c_str(),
                                       nullptr) != 0) {
    return fail(last_error("cannot write a commit"));
  }
  return Oid(id);
}

Result<SignedCommit> split_commit_signature(const Repository& repo, const Oid& commit)
{
  git_buf signature = GIT_BUF_INIT;
  git_buf payload = GIT_BUF_INIT;
  git_oid id = commit.raw(); // libgit2 1.5 takes a non-const id
  const int error = git_commit_extract_signature(&signature, &payload, repo.get(), &id, nullptr);
  SignedCommit result;
  if (error == 0) {
    result.signature.assign(signature.ptr, signature.size);
    result.payload.assign(payload.ptr, payload.size);
  }
  git_buf_dispose(&signature);
  git_buf_dispose(&payload);
  if (error == GIT_ENOTFOUND) {
    auto raw = read_raw(repo, commit);
    if (!raw) {
      return std::unexpected(raw.error());
    }
    result.payload = std::move(raw->data);
    return result;
  }
  if (error != 0) {
    return fail(last_error(fmt::format("cannot read the signature of {}", commit.short_hex())));
  }
  return result;
}

} // namespace tollgate::git
