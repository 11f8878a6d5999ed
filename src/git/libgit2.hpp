#pragma once
// libgit2, loaded on first use (dlopen) instead of when tollgate starts. Debian's libgit2 brings
// mbedTLS, libssh2 with OpenSSL's libcrypto, Kerberos (five libraries), http-parser and PCRE2:
// loading and relocating them cost every process about 7.7 ms here (an empty program linked against
// libgit2: 13.7 ms, against tollgate's other libraries: 6.0 ms), though `--version`, `completion`,
// `policy` and `sandbox` never open a repository. A command that does starts loading it on a
// thread of its own first thing (load_in_background), while the command line is parsed.
//
// Include this, never <git2.h> directly: each libgit2 function tollgate calls is a macro below that
// resolves it in the loaded library once per call site. tollgate does not link libgit2, so a call to
// a function missing from this list fails to link ("undefined reference to git_..."): add it here.
// Knows nothing of tollgate.

#include <git2.h>

#include <bit>
#include <thread>

namespace tollgate::git::lib {

// The address of libgit2's function `name`, loading the library the first time. When it cannot be
// loaded (or lacks `name`), tollgate cannot work here: it says so and exits 3.
void* symbol(const char* name);

// Starts loading libgit2 on a thread of its own, then runs `then` there (the library's
// initialisation) if it loaded. The caller holds the thread: it is joined when the caller's scope
// ends, before exit (a library's exit handlers must not run while it is still being loaded).
[[nodiscard]] std::jthread load_in_background(void (*then)());

} // namespace tollgate::git::lib

#define TOLLGATE_GIT(name)                                                                                             \
  ([]() noexcept {                                                                                                     \
    static const auto libgit2_function = std::bit_cast<decltype(&::name)>(::tollgate::git::lib::symbol(#name));        \
    return libgit2_function;                                                                                           \
  }())

// clang-format off
#define git_blob_create_from_buffer(...) TOLLGATE_GIT(git_blob_create_from_buffer)(__VA_ARGS__)
#define git_blob_filter(...) TOLLGATE_GIT(git_blob_filter)(__VA_ARGS__)
#define git_blob_free(...) TOLLGATE_GIT(git_blob_free)(__VA_ARGS__)
#define git_blob_lookup(...) TOLLGATE_GIT(git_blob_lookup)(__VA_ARGS__)
#define git_blob_rawcontent(...) TOLLGATE_GIT(git_blob_rawcontent)(__VA_ARGS__)
#define git_blob_rawsize(...) TOLLGATE_GIT(git_blob_rawsize)(__VA_ARGS__)
#define git_buf_dispose(...) TOLLGATE_GIT(git_buf_dispose)(__VA_ARGS__)
#define git_checkout_head(...) TOLLGATE_GIT(git_checkout_head)(__VA_ARGS__)
#define git_checkout_tree(...) TOLLGATE_GIT(git_checkout_tree)(__VA_ARGS__)
#define git_commit_author(...) TOLLGATE_GIT(git_commit_author)(__VA_ARGS__)
#define git_commit_committer(...) TOLLGATE_GIT(git_commit_committer)(__VA_ARGS__)
#define git_commit_create_buffer(...) TOLLGATE_GIT(git_commit_create_buffer)(__VA_ARGS__)
#define git_commit_create_with_signature(...) TOLLGATE_GIT(git_commit_create_with_signature)(__VA_ARGS__)
#define git_commit_extract_signature(...) TOLLGATE_GIT(git_commit_extract_signature)(__VA_ARGS__)
#define git_commit_free(...) TOLLGATE_GIT(git_commit_free)(__VA_ARGS__)
#define git_commit_lookup(...) TOLLGATE_GIT(git_commit_lookup)(__VA_ARGS__)
#define git_commit_message_raw(...) TOLLGATE_GIT(git_commit_message_raw)(__VA_ARGS__)
#define git_commit_parent_id(...) TOLLGATE_GIT(git_commit_parent_id)(__VA_ARGS__)
#define git_commit_parentcount(...) TOLLGATE_GIT(git_commit_parentcount)(__VA_ARGS__)
#define git_commit_tree(...) TOLLGATE_GIT(git_commit_tree)(__VA_ARGS__)
#define git_commit_tree_id(...) TOLLGATE_GIT(git_commit_tree_id)(__VA_ARGS__)
#define git_config_free(...) TOLLGATE_GIT(git_config_free)(__VA_ARGS__)
#define git_config_get_multivar_foreach(...) TOLLGATE_GIT(git_config_get_multivar_foreach)(__VA_ARGS__)
#define git_config_get_string_buf(...) TOLLGATE_GIT(git_config_get_string_buf)(__VA_ARGS__)
#define git_diff_free(...) TOLLGATE_GIT(git_diff_free)(__VA_ARGS__)
#define git_diff_get_delta(...) TOLLGATE_GIT(git_diff_get_delta)(__VA_ARGS__)
#define git_diff_num_deltas(...) TOLLGATE_GIT(git_diff_num_deltas)(__VA_ARGS__)
#define git_diff_tree_to_tree(...) TOLLGATE_GIT(git_diff_tree_to_tree)(__VA_ARGS__)
#define git_error_last(...) TOLLGATE_GIT(git_error_last)(__VA_ARGS__)
#define git_graph_descendant_of(...) TOLLGATE_GIT(git_graph_descendant_of)(__VA_ARGS__)
#define git_index_add(...) TOLLGATE_GIT(git_index_add)(__VA_ARGS__)
#define git_index_add_bypath(...) TOLLGATE_GIT(git_index_add_bypath)(__VA_ARGS__)
#define git_index_free(...) TOLLGATE_GIT(git_index_free)(__VA_ARGS__)
#define git_index_open(...) TOLLGATE_GIT(git_index_open)(__VA_ARGS__)
#define git_index_remove_bypath(...) TOLLGATE_GIT(git_index_remove_bypath)(__VA_ARGS__)
#define git_index_write(...) TOLLGATE_GIT(git_index_write)(__VA_ARGS__)
#define git_libgit2_init(...) TOLLGATE_GIT(git_libgit2_init)(__VA_ARGS__)
#define git_libgit2_shutdown(...) TOLLGATE_GIT(git_libgit2_shutdown)(__VA_ARGS__)
#define git_libgit2_version(...) TOLLGATE_GIT(git_libgit2_version)(__VA_ARGS__)
#define git_object_free(...) TOLLGATE_GIT(git_object_free)(__VA_ARGS__)
#define git_object_id(...) TOLLGATE_GIT(git_object_id)(__VA_ARGS__)
#define git_object_lookup(...) TOLLGATE_GIT(git_object_lookup)(__VA_ARGS__)
#define git_object_peel(...) TOLLGATE_GIT(git_object_peel)(__VA_ARGS__)
#define git_object_type(...) TOLLGATE_GIT(git_object_type)(__VA_ARGS__)
#define git_object_type2string(...) TOLLGATE_GIT(git_object_type2string)(__VA_ARGS__)
#define git_odb_exists(...) TOLLGATE_GIT(git_odb_exists)(__VA_ARGS__)
#define git_odb_free(...) TOLLGATE_GIT(git_odb_free)(__VA_ARGS__)
#define git_odb_object_data(...) TOLLGATE_GIT(git_odb_object_data)(__VA_ARGS__)
#define git_odb_object_free(...) TOLLGATE_GIT(git_odb_object_free)(__VA_ARGS__)
#define git_odb_object_size(...) TOLLGATE_GIT(git_odb_object_size)(__VA_ARGS__)
#define git_odb_object_type(...) TOLLGATE_GIT(git_odb_object_type)(__VA_ARGS__)
#define git_odb_open(...) TOLLGATE_GIT(git_odb_open)(__VA_ARGS__)
#define git_odb_read(...) TOLLGATE_GIT(git_odb_read)(__VA_ARGS__)
#define git_odb_write(...) TOLLGATE_GIT(git_odb_write)(__VA_ARGS__)
#define git_oid_fromstrn(...) TOLLGATE_GIT(git_oid_fromstrn)(__VA_ARGS__)
#define git_oid_tostr(...) TOLLGATE_GIT(git_oid_tostr)(__VA_ARGS__)
#define git_reference_create(...) TOLLGATE_GIT(git_reference_create)(__VA_ARGS__)
#define git_reference_create_matching(...) TOLLGATE_GIT(git_reference_create_matching)(__VA_ARGS__)
#define git_reference_delete(...) TOLLGATE_GIT(git_reference_delete)(__VA_ARGS__)
#define git_reference_free(...) TOLLGATE_GIT(git_reference_free)(__VA_ARGS__)
#define git_reference_iterator_free(...) TOLLGATE_GIT(git_reference_iterator_free)(__VA_ARGS__)
#define git_reference_iterator_glob_new(...) TOLLGATE_GIT(git_reference_iterator_glob_new)(__VA_ARGS__)
#define git_reference_lookup(...) TOLLGATE_GIT(git_reference_lookup)(__VA_ARGS__)
#define git_reference_name(...) TOLLGATE_GIT(git_reference_name)(__VA_ARGS__)
#define git_reference_name_to_id(...) TOLLGATE_GIT(git_reference_name_to_id)(__VA_ARGS__)
#define git_reference_next(...) TOLLGATE_GIT(git_reference_next)(__VA_ARGS__)
#define git_reference_resolve(...) TOLLGATE_GIT(git_reference_resolve)(__VA_ARGS__)
#define git_reference_symbolic_target(...) TOLLGATE_GIT(git_reference_symbolic_target)(__VA_ARGS__)
#define git_reference_target(...) TOLLGATE_GIT(git_reference_target)(__VA_ARGS__)
#define git_reference_type(...) TOLLGATE_GIT(git_reference_type)(__VA_ARGS__)
#define git_remote_add_fetch(...) TOLLGATE_GIT(git_remote_add_fetch)(__VA_ARGS__)
#define git_remote_connect(...) TOLLGATE_GIT(git_remote_connect)(__VA_ARGS__)
#define git_remote_create_anonymous(...) TOLLGATE_GIT(git_remote_create_anonymous)(__VA_ARGS__)
#define git_remote_disconnect(...) TOLLGATE_GIT(git_remote_disconnect)(__VA_ARGS__)
#define git_remote_download(...) TOLLGATE_GIT(git_remote_download)(__VA_ARGS__)
#define git_remote_free(...) TOLLGATE_GIT(git_remote_free)(__VA_ARGS__)
#define git_remote_lookup(...) TOLLGATE_GIT(git_remote_lookup)(__VA_ARGS__)
#define git_remote_ls(...) TOLLGATE_GIT(git_remote_ls)(__VA_ARGS__)
#define git_remote_push(...) TOLLGATE_GIT(git_remote_push)(__VA_ARGS__)
#define git_repository_commondir(...) TOLLGATE_GIT(git_repository_commondir)(__VA_ARGS__)
#define git_repository_config_snapshot(...) TOLLGATE_GIT(git_repository_config_snapshot)(__VA_ARGS__)
#define git_repository_discover(...) TOLLGATE_GIT(git_repository_discover)(__VA_ARGS__)
#define git_repository_free(...) TOLLGATE_GIT(git_repository_free)(__VA_ARGS__)
#define git_repository_hashfile(...) TOLLGATE_GIT(git_repository_hashfile)(__VA_ARGS__)
#define git_repository_head_detached(...) TOLLGATE_GIT(git_repository_head_detached)(__VA_ARGS__)
#define git_repository_index(...) TOLLGATE_GIT(git_repository_index)(__VA_ARGS__)
#define git_repository_is_shallow(...) TOLLGATE_GIT(git_repository_is_shallow)(__VA_ARGS__)
#define git_repository_odb(...) TOLLGATE_GIT(git_repository_odb)(__VA_ARGS__)
#define git_repository_open(...) TOLLGATE_GIT(git_repository_open)(__VA_ARGS__)
#define git_repository_path(...) TOLLGATE_GIT(git_repository_path)(__VA_ARGS__)
#define git_repository_set_head_detached(...) TOLLGATE_GIT(git_repository_set_head_detached)(__VA_ARGS__)
#define git_repository_workdir(...) TOLLGATE_GIT(git_repository_workdir)(__VA_ARGS__)
#define git_revparse_single(...) TOLLGATE_GIT(git_revparse_single)(__VA_ARGS__)
#define git_revwalk_free(...) TOLLGATE_GIT(git_revwalk_free)(__VA_ARGS__)
#define git_revwalk_hide(...) TOLLGATE_GIT(git_revwalk_hide)(__VA_ARGS__)
#define git_revwalk_new(...) TOLLGATE_GIT(git_revwalk_new)(__VA_ARGS__)
#define git_revwalk_next(...) TOLLGATE_GIT(git_revwalk_next)(__VA_ARGS__)
#define git_revwalk_push(...) TOLLGATE_GIT(git_revwalk_push)(__VA_ARGS__)
#define git_revwalk_simplify_first_parent(...) TOLLGATE_GIT(git_revwalk_simplify_first_parent)(__VA_ARGS__)
#define git_revwalk_sorting(...) TOLLGATE_GIT(git_revwalk_sorting)(__VA_ARGS__)
#define git_signature_free(...) TOLLGATE_GIT(git_signature_free)(__VA_ARGS__)
#define git_signature_new(...) TOLLGATE_GIT(git_signature_new)(__VA_ARGS__)
#define git_status_byindex(...) TOLLGATE_GIT(git_status_byindex)(__VA_ARGS__)
#define git_status_list_entrycount(...) TOLLGATE_GIT(git_status_list_entrycount)(__VA_ARGS__)
#define git_status_list_free(...) TOLLGATE_GIT(git_status_list_free)(__VA_ARGS__)
#define git_status_list_new(...) TOLLGATE_GIT(git_status_list_new)(__VA_ARGS__)
#define git_tag_free(...) TOLLGATE_GIT(git_tag_free)(__VA_ARGS__)
#define git_tag_lookup(...) TOLLGATE_GIT(git_tag_lookup)(__VA_ARGS__)
#define git_tag_message(...) TOLLGATE_GIT(git_tag_message)(__VA_ARGS__)
#define git_tag_name(...) TOLLGATE_GIT(git_tag_name)(__VA_ARGS__)
#define git_tag_tagger(...) TOLLGATE_GIT(git_tag_tagger)(__VA_ARGS__)
#define git_tag_target_id(...) TOLLGATE_GIT(git_tag_target_id)(__VA_ARGS__)
#define git_tag_target_type(...) TOLLGATE_GIT(git_tag_target_type)(__VA_ARGS__)
#define git_tree_create_updated(...) TOLLGATE_GIT(git_tree_create_updated)(__VA_ARGS__)
#define git_tree_entry_byindex(...) TOLLGATE_GIT(git_tree_entry_byindex)(__VA_ARGS__)
#define git_tree_entry_bypath(...) TOLLGATE_GIT(git_tree_entry_bypath)(__VA_ARGS__)
#define git_tree_entry_filemode(...) TOLLGATE_GIT(git_tree_entry_filemode)(__VA_ARGS__)
#define git_tree_entry_free(...) TOLLGATE_GIT(git_tree_entry_free)(__VA_ARGS__)
#define git_tree_entry_id(...) TOLLGATE_GIT(git_tree_entry_id)(__VA_ARGS__)
#define git_tree_entry_name(...) TOLLGATE_GIT(git_tree_entry_name)(__VA_ARGS__)
#define git_tree_entry_type(...) TOLLGATE_GIT(git_tree_entry_type)(__VA_ARGS__)
#define git_tree_entrycount(...) TOLLGATE_GIT(git_tree_entrycount)(__VA_ARGS__)
#define git_tree_free(...) TOLLGATE_GIT(git_tree_free)(__VA_ARGS__)
#define git_tree_lookup(...) TOLLGATE_GIT(git_tree_lookup)(__VA_ARGS__)
#define git_tree_walk(...) TOLLGATE_GIT(git_tree_walk)(__VA_ARGS__)
#define git_treebuilder_free(...) TOLLGATE_GIT(git_treebuilder_free)(__VA_ARGS__)
#define git_treebuilder_insert(...) TOLLGATE_GIT(git_treebuilder_insert)(__VA_ARGS__)
#define git_treebuilder_new(...) TOLLGATE_GIT(git_treebuilder_new)(__VA_ARGS__)
#define git_treebuilder_write(...) TOLLGATE_GIT(git_treebuilder_write)(__VA_ARGS__)
// clang-format on
