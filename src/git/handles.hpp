#pragma once
// Owners for libgit2 handles: each C object lives in a unique_ptr with its free function.

#include "git/libgit2.hpp"

#include <memory>

namespace tollgate::git {

// A deleter per handle type: libgit2's free functions are resolved at run time (git/libgit2.hpp),
// so they cannot be template arguments.
#define TOLLGATE_GIT_HANDLE(Alias, Type, free_function)                                                                \
  struct Alias##Free {                                                                                                 \
    void operator()(Type* handle) const { free_function(handle); }                                                     \
  };                                                                                                                   \
  using Alias = std::unique_ptr<Type, Alias##Free>

TOLLGATE_GIT_HANDLE(ObjectPtr, git_object, git_object_free);
TOLLGATE_GIT_HANDLE(CommitPtr, git_commit, git_commit_free);
TOLLGATE_GIT_HANDLE(TreePtr, git_tree, git_tree_free);
TOLLGATE_GIT_HANDLE(TreeEntryPtr, git_tree_entry, git_tree_entry_free);
TOLLGATE_GIT_HANDLE(BlobPtr, git_blob, git_blob_free);
TOLLGATE_GIT_HANDLE(TagPtr, git_tag, git_tag_free);
TOLLGATE_GIT_HANDLE(ReferencePtr, git_reference, git_reference_free);
TOLLGATE_GIT_HANDLE(ReferenceIteratorPtr, git_reference_iterator, git_reference_iterator_free);
TOLLGATE_GIT_HANDLE(RevwalkPtr, git_revwalk, git_revwalk_free);
TOLLGATE_GIT_HANDLE(OdbPtr, git_odb, git_odb_free);
TOLLGATE_GIT_HANDLE(OdbObjectPtr, git_odb_object, git_odb_object_free);
TOLLGATE_GIT_HANDLE(DiffPtr, git_diff, git_diff_free);
TOLLGATE_GIT_HANDLE(ConfigPtr, git_config, git_config_free);
TOLLGATE_GIT_HANDLE(RemotePtr, git_remote, git_remote_free);
TOLLGATE_GIT_HANDLE(IndexPtr, git_index, git_index_free);
TOLLGATE_GIT_HANDLE(StatusListPtr, git_status_list, git_status_list_free);

} // namespace tollgate::git
