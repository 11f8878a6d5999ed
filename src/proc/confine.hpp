#pragma once
// Confinement (DESIGN.md §7.2), the parts that run after fork: the mount namespace a confined
// command sees and the restrictions it execs under. Everything is prepared by `prepare_confinement`
// before forking (the caller is multithreaded); `enter_mounts` and `restrict_self` only make
// async-signal-safe system calls on that memory. Internal to src/proc.

#include "proc/sandbox.hpp"

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::proc::detail {

// The uid and gid a confined command has inside its user namespace: never 0, so it has no
// capability there and cannot regain one.
inline constexpr unsigned k_inside_id = 1000;

// Where confinement failed, with errno and the path concerned (for the report).
enum class ConfineStep : int {
  none = 0,
  identity,  // setgroups / setresgid / setresuid
  propagate, // making the mount tree private
  capture,   // open_tree of a path to bind
  readonly,  // the system read-only
  mask,      // a tmpfs or /dev/null over a hidden path
  bind,      // a writable or read-only bind at its own path
  dev,       // the minimal /dev
  proc,      // a fresh /proc
  chdir,
  capabilities,
  no_new_privs,
  seccomp,
  nproc,
};
const char* to_string(ConfineStep step) noexcept;

struct MountBind {
  std::string path;
  bool read_only = false;
};

struct ConfinePlan {
  bool active = false;
  uid_t outside_uid = 0; // who the command is outside its namespace
  gid_t outside_gid = 0;
  bool drop_identity = false; // tollgate is root: change to outside_uid/gid before anything else
  std::string uid_map;        // "1000 <outside_uid> 1"
  std::string gid_map;
  std::vector<MountBind> binds;   // sorted: parents before children
  std::vector<std::string> masks; // directories hidden behind an empty tmpfs, parents first
  std::vector<std::string> mask_files;
  std::vector<std::string> dev_nodes; // bound into the fresh /dev
  std::string home;                   // created in the fresh /tmp: HOME inside
  // The tmpfs options of the writable scratch (/tmp, /var/tmp, /dev/shm): sticky and open to all,
  // each capped at the memory limit when there is one (files in a tmpfs are memory that RLIMIT_AS
  // does not count); `scratch_bytes` 0: no cap.
  std::string scratch_options;
  std::uint64_t scratch_bytes = 0;
  unsigned max_procs = 0;
  std::vector<sock_filter> seccomp; // the BPF program (libseccomp, exported before fork)
  sock_fprog seccomp_program{};     // points into `seccomp`
  // Pointers into the strings above, for the forked side.
  std::vector<const char*> path_table;
};

// Whether the mask at `path` is writable scratch (/tmp, /var/tmp), capped; every other mask only
// hides what is below it, and is read-only once the binds inside it are in place.
bool is_scratch(std::string_view path) noexcept;

// The plan for `command` under `limits` (confine on); an error names what cannot be prepared.
// `identity` is who the command is outside its namespace when tollgate is root.
Result<void> prepare_confinement(ConfinePlan& plan, const Command& command, const Limits& limits);

// Whether a confined command sees `path` (its symbolic links resolved): not hidden, or re-bound.
bool visible(const ConfinePlan& plan, const std::string& path);

// The path a failed step concerned (index into `plan.path_table`, or -1).
const char* failed_path(const ConfinePlan& plan, int index) noexcept;

// In the namespace's first process (pid 1), after the uid/gid maps are written: the identity, then
// the mounts, then `cwd`. False on failure, with `step`, errno and `path_index` set.
bool enter_mounts(const ConfinePlan& plan, const char* cwd, ConfineStep& step, int& path_index) noexcept;

// In the command process, just before exec: RLIMIT_NPROC, every capability dropped (bounding and
// ambient sets too, securebits locked), no_new_privs, the seccomp filter. False on failure.
bool restrict_self(const ConfinePlan& plan, ConfineStep& step) noexcept;

// Drops from root to `plan.outside_uid/gid` (no supplementary groups): what the bwrap and firejail
// backends do before exec'ing their wrapper, so that it runs unprivileged.
bool drop_identity(const ConfinePlan& plan) noexcept;

} // namespace tollgate::proc::detail
