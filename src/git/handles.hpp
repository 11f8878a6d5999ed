#pragma once
// Owners for libgit2 handles: each C object lives in a unique_ptr with its free function.

#include <git2.h>

#include <memory>

namespace tollgate::git {

template <class T, void (*Free)(T*)> struct Deleter {
  void operator()(T* handle) const { Free(handle); }
};
template <class T, void (*Free)(T*)> using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using ObjectPtr = Handle<git_object, git_object_free>;
using CommitPtr = Handle<git_commit, git_commit_free>;
using TreePtr = Handle<git_tree, git_tree_free>;
using TreeEntryPtr = Handle<git_tree_entry, git_tree_entry_free>;
using BlobPtr = Handle<git_blob, git_blob_free>;
using TagPtr = Handle<git_tag, git_tag_free>;
using ReferencePtr = Handle<git_reference, git_reference_free>;
using ReferenceIteratorPtr = Handle<git_reference_iterator, git_reference_iterator_free>;
using RevwalkPtr = Handle<git_revwalk, git_revwalk_free>;
using OdbPtr = Handle<git_odb, git_odb_free>;
using OdbObjectPtr = Handle<git_odb_object, git_odb_object_free>;
using DiffPtr = Handle<git_diff, git_diff_free>;
using ConfigPtr = Handle<git_config, git_config_free>;
using RemotePtr = Handle<git_remote, git_remote_free>;
using IndexPtr = Handle<git_index, git_index_free>;
using StatusListPtr = Handle<git_status_list, git_status_list_free>;

} // namespace tollgate::git
