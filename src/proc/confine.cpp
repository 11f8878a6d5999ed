// Confinement after fork (see confine.hpp): the mount namespace and the restrictions of a confined
// command. `prepare_confinement` allocates; everything else is async-signal-safe.
#include "proc/confine.hpp"

#include "proc/seccomp.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace tollgate::proc::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_fds = 64; // binds + dev nodes + masked files captured at once

// The canonical form of `path`, or empty when it does not exist.
std::string canonical(const std::string& path)
{
  std::error_code error;
  fs::path resolved = fs::canonical(path, error);
  return error ? std::string() : resolved.string();
}

bool is_under(const std::string& path, const std::string& dir)
{
  if (dir == "/") {
    return true;
  }
  return path == dir || (path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

std::string env_or_empty(const char* name)
{
  const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): read-only use
  return value != nullptr ? std::string(value) : std::string();
}

// The paths always hidden from a confined command: the promoter's home, keys, agents and tollgate's
// own per-user state, and every shared scratch directory.
std::vector<std::string> default_hidden()
{
  std::vector<std::string> paths = {"/tmp", "/var/tmp", "/run", "/root", "/home"};
  for (const char* name : {"HOME", "GNUPGHOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                           "XDG_STATE_HOME", "TMPDIR"}) {
    if (std::string value = env_or_empty(name); !value.empty()) {
      paths.push_back(std::move(value));
    }
  }
  for (const char* name : {"SSH_AUTH_SOCK", "GPG_AGENT_INFO"}) {
    if (std::string value = env_or_empty(name); !value.empty()) {
      value = value.substr(0, value.find(':'));
      paths.push_back(fs::path(value).parent_path().string());
    }
  }
  return paths;
}

// --- after fork: system calls only ---

long sys_open_tree(const char* path, unsigned flags) noexcept
{
  return syscall(SYS_open_tree, AT_FDCWD, path, flags);
}

bool sys_move_mount(int fd, const char* target) noexcept
{
  return syscall(SYS_move_mount, fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) == 0;
}

bool sys_setattr(int dirfd, const char* path, unsigned flags, std::uint64_t set, std::uint64_t clear) noexcept
{
  mount_attr attr{};
  attr.attr_set = set;
  attr.attr_clr = clear;
  return syscall(SYS_mount_setattr, dirfd, path, flags, &attr, sizeof attr) == 0;
}

// mkdir -p on a copy of `path` in a stack buffer.
bool make_dirs(const char* path, mode_t mode) noexcept
{
  char buffer[PATH_MAX];
  std::size_t length = 0;
  while (path[length] != '\0') {
    if (length + 1 >= sizeof buffer) {
      errno = ENAMETOOLONG;
      return false;
    }
    buffer[length] = path[length];
    ++length;
  }
  buffer[length] = '\0';
  for (std::size_t i = 1; i <= length; ++i) {
    if (buffer[i] == '/' || buffer[i] == '\0') {
      const char saved = buffer[i];
      buffer[i] = '\0';
      if (mkdir(buffer, mode) != 0 && errno != EEXIST) {
        return false;
      }
      buffer[i] = saved;
    }
  }
  return true;
}

bool touch(const char* path) noexcept
{
  const int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return false;
  }
  close(fd);
  return true;
}

struct Failure {
  ConfineStep& step;
  int& path;
  bool operator()(ConfineStep failed, int index) const noexcept
  {
    step = failed;
    path = index;
    return false;
  }
};

} // namespace

bool is_scratch(std::string_view path) noexcept
{
  return path == "/tmp" || path == "/var/tmp";
}

const char* to_string(ConfineStep step) noexcept
{
  switch (step) {
  case ConfineStep::none:
    return "none";
  case ConfineStep::identity:
    return "identity (setresuid/setresgid)";
  case ConfineStep::propagate:
    return "private mount tree";
  case ConfineStep::capture:
    return "bind source";
  case ConfineStep::readonly:
    return "read-only system";
  case ConfineStep::mask:
    return "hiding a path";
  case ConfineStep::bind:
    return "bind mount";
  case ConfineStep::dev:
    return "minimal /dev";
  case ConfineStep::proc:
    return "fresh /proc";
  case ConfineStep::chdir:
    return "working directory";
  case ConfineStep::capabilities:
    return "dropping capabilities";
  case ConfineStep::no_new_privs:
    return "no_new_privs";
  case ConfineStep::seccomp:
    return "seccomp filter";
  case ConfineStep::nproc:
    return "process-count limit";
  }
  return "?";
}

Result<void> prepare_confinement(ConfinePlan& plan, const Command& command, const Limits& limits)
{
  plan.active = true;
  const bool root = geteuid() == 0;
  plan.outside_uid = geteuid();
  plan.outside_gid = getegid();
  if (root) {
    plan.outside_uid = k_sandbox_uid;
    plan.outside_gid = k_sandbox_gid;
    if (!command.writable.empty()) {
      struct stat owner {};
      if (stat(command.writable.front().c_str(), &owner) != 0) {
        return fail("confinement: cannot read the owner of `" + command.writable.front() + "`");
      }
      plan.outside_uid = owner.st_uid;
      plan.outside_gid = owner.st_gid;
    }
    plan.drop_identity = true;
  }
  plan.uid_map = std::to_string(k_inside_id) + " " + std::to_string(plan.outside_uid) + " 1";
  plan.gid_map = std::to_string(k_inside_id) + " " + std::to_string(plan.outside_gid) + " 1";

  for (const auto* list : {&command.writable, &command.read_only}) {
    for (const auto& path : *list) {
      std::string resolved = canonical(path);
      if (resolved.empty() || !fs::is_directory(resolved)) {
        return fail("confinement: `" + path + "` is not a directory");
      }
      plan.binds.push_back({std::move(resolved), list == &command.read_only});
    }
  }
  std::stable_sort(plan.binds.begin(), plan.binds.end(),
                   [](const MountBind& a, const MountBind& b) { return a.path.size() < b.path.size(); });

  std::vector<std::string> hidden = default_hidden();
  hidden.insert(hidden.end(), command.hidden.begin(), command.hidden.end());
  std::vector<std::string> dirs;
  std::vector<std::string> files;
  for (const auto& path : hidden) {
    std::string resolved = canonical(path);
    if (resolved.empty() || resolved == "/") {
      continue;
    }
    struct stat info {};
    if (lstat(resolved.c_str(), &info) != 0) {
      continue;
    }
    (S_ISDIR(info.st_mode) ? dirs : files).push_back(std::move(resolved));
  }
  std::ranges::sort(dirs, [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  for (auto& dir : dirs) {
    if (std::ranges::none_of(plan.masks, [&](const std::string& mask) { return is_under(dir, mask); })) {
      plan.masks.push_back(std::move(dir));
    }
  }
  for (auto& file : files) {
    if (std::ranges::none_of(plan.masks, [&](const std::string& mask) { return is_under(file, mask); })) {
      plan.mask_files.push_back(std::move(file));
    }
  }
  for (const char* node : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}) {
    if (access(node, F_OK) == 0) {
      plan.dev_nodes.emplace_back(node);
    }
  }
  if (plan.binds.size() + plan.dev_nodes.size() + plan.mask_files.size() > k_max_fds) {
    return fail("confinement: too many paths to bind");
  }
  plan.home = "/tmp/home";
  plan.max_procs = limits.max_procs;
  plan.scratch_options = "mode=1777";
  if (limits.mem_mb && *limits.mem_mb > 0) {
    plan.scratch_bytes = std::uint64_t{*limits.mem_mb} * 1024 * 1024;
    // Inodes cost kernel memory the size does not count: one per 4 KiB of the cap.
    const std::uint64_t inodes = std::max<std::uint64_t>(plan.scratch_bytes / 4096, 4096);
    plan.scratch_options += ",size=" + std::to_string(plan.scratch_bytes) + ",nr_inodes=" + std::to_string(inodes);
  }

  const auto& program = seccomp_filter();
  if (!program) {
    return std::unexpected(program.error());
  }
  plan.seccomp = *program;
  plan.seccomp_program.len = static_cast<unsigned short>(plan.seccomp.size());
  plan.seccomp_program.filter = plan.seccomp.data();

  for (const auto& bind : plan.binds) {
    plan.path_table.push_back(bind.path.c_str());
  }
  for (const auto* list : {&plan.masks, &plan.mask_files, &plan.dev_nodes}) {
    for (const auto& path : *list) {
      plan.path_table.push_back(path.c_str());
    }
  }
  return {};
}

bool visible(const ConfinePlan& plan, const std::string& path)
{
  const std::string resolved = canonical(path);
  if (resolved.empty()) {
    return false;
  }
  if (std::ranges::any_of(plan.binds, [&](const MountBind& bind) { return is_under(resolved, bind.path); })) {
    return true;
  }
  return std::ranges::none_of(plan.masks, [&](const std::string& mask) { return is_under(resolved, mask); }) &&
         std::ranges::find(plan.mask_files, resolved) == plan.mask_files.end();
}

const char* failed_path(const ConfinePlan& plan, int index) noexcept
{
  if (index < 0 || static_cast<std::size_t>(index) >= plan.path_table.size()) {
    return nullptr;
  }
  return plan.path_table[static_cast<std::size_t>(index)];
}

bool drop_identity(const ConfinePlan& plan) noexcept
{
  if (!plan.drop_identity) {
    return true;
  }
  return syscall(SYS_setgroups, 0, nullptr) == 0 &&
         syscall(SYS_setresgid, plan.outside_gid, plan.outside_gid, plan.outside_gid) == 0 &&
         syscall(SYS_setresuid, plan.outside_uid, plan.outside_uid, plan.outside_uid) == 0;
}

bool enter_mounts(const ConfinePlan& plan, const char* cwd, ConfineStep& step, int& path_index) noexcept
{
  const Failure failed{step, path_index};
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return failed(ConfineStep::propagate, -1);
  }
  // Capture what is bound later before anything is hidden or made read-only.
  int fds[k_max_fds];
  std::size_t count = 0;
  int index = 0;
  for (const auto& bind : plan.binds) {
    const long fd = sys_open_tree(bind.path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (fd < 0) {
      return failed(ConfineStep::capture, index);
    }
    fds[count++] = static_cast<int>(fd);
    ++index;
  }
  const std::size_t first_file = count;
  for (std::size_t i = 0; i < plan.mask_files.size(); ++i) {
    const long fd = sys_open_tree("/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0) {
      return failed(ConfineStep::capture, -1);
    }
    fds[count++] = static_cast<int>(fd);
  }
  const std::size_t first_dev = count;
  for (const auto& node : plan.dev_nodes) {
    const long fd = sys_open_tree(node.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0) {
      return failed(ConfineStep::capture, -1);
    }
    fds[count++] = static_cast<int>(fd);
  }

  // Captured with tollgate's own identity (the paths may be private to it); then the identity inside: uid/gid 1000,
  // which the maps tie to the unprivileged outside ids. The capabilities of the namespace's first process survive (uid
  // 0 is not mapped), for the mounts.
  if (plan.drop_identity && syscall(SYS_setgroups, 0, nullptr) != 0) {
    return failed(ConfineStep::identity, -1);
  }
  if (syscall(SYS_setresgid, k_inside_id, k_inside_id, k_inside_id) != 0 ||
      syscall(SYS_setresuid, k_inside_id, k_inside_id, k_inside_id) != 0) {
    return failed(ConfineStep::identity, -1);
  }

  // The whole system read-only, without set-uid programs or devices.
  if (!sys_setattr(AT_FDCWD, "/", AT_RECURSIVE, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0)) {
    return failed(ConfineStep::readonly, -1);
  }
  // Hidden directories: empty tmpfs; hidden files: /dev/null.
  index = static_cast<int>(plan.binds.size());
  for (const auto& mask : plan.masks) {
    const char* options = is_scratch(mask) ? plan.scratch_options.c_str() : "mode=0755,size=1m";
    if (mount("tmpfs", mask.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options) != 0) {
      return failed(ConfineStep::mask, index);
    }
    ++index;
  }
  for (std::size_t i = 0; i < plan.mask_files.size(); ++i) {
    if (!sys_move_mount(fds[first_file + i], plan.mask_files[i].c_str())) {
      return failed(ConfineStep::mask, index);
    }
    ++index;
  }
  // A minimal /dev: the harmless character devices, a private /dev/shm, the usual links.
  if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") != 0) {
    return failed(ConfineStep::dev, -1);
  }
  for (std::size_t i = 0; i < plan.dev_nodes.size(); ++i) {
    if (!touch(plan.dev_nodes[i].c_str()) || !sys_move_mount(fds[first_dev + i], plan.dev_nodes[i].c_str())) {
      return failed(ConfineStep::dev, index);
    }
    ++index;
  }
  if (mkdir("/dev/shm", 01777) != 0 ||
      mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, plan.scratch_options.c_str()) != 0 ||
      symlink("/proc/self/fd", "/dev/fd") != 0 || symlink("/proc/self/fd/0", "/dev/stdin") != 0 ||
      symlink("/proc/self/fd/1", "/dev/stdout") != 0 || symlink("/proc/self/fd/2", "/dev/stderr") != 0) {
    return failed(ConfineStep::dev, -1);
  }
  // The directories the command may write, and those it may read inside hidden ones: their mount
  // points first, then the masks that only hide and /dev read-only (that mount alone: the binds,
  // the devices and /dev/shm are mounts of their own), then the binds.
  for (std::size_t i = 0; i < plan.binds.size(); ++i) {
    if (!make_dirs(plan.binds[i].path.c_str(), 0755)) {
      return failed(ConfineStep::bind, static_cast<int>(i));
    }
  }
  index = static_cast<int>(plan.binds.size());
  for (const auto& mask : plan.masks) {
    if (!is_scratch(mask) && !sys_setattr(AT_FDCWD, mask.c_str(), 0, MOUNT_ATTR_RDONLY, 0)) {
      return failed(ConfineStep::mask, index);
    }
    ++index;
  }
  if (!sys_setattr(AT_FDCWD, "/dev", 0, MOUNT_ATTR_RDONLY, 0)) {
    return failed(ConfineStep::dev, -1);
  }
  for (std::size_t i = 0; i < plan.binds.size(); ++i) {
    const auto& bind = plan.binds[i];
    const std::uint64_t set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (bind.read_only ? MOUNT_ATTR_RDONLY : 0);
    const std::uint64_t clear = bind.read_only ? 0 : MOUNT_ATTR_RDONLY;
    if (!sys_setattr(fds[i], "", AT_EMPTY_PATH | AT_RECURSIVE, set, clear) ||
        !sys_move_mount(fds[i], bind.path.c_str())) {
      return failed(ConfineStep::bind, static_cast<int>(i));
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    close(fds[i]);
  }
  if (!plan.home.empty() && !make_dirs(plan.home.c_str(), 0700)) {
    return failed(ConfineStep::mask, -1);
  }
  // A /proc of the new PID namespace, its kernel knobs read-only.
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return failed(ConfineStep::proc, -1);
  }
  for (const char* knob : {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"}) {
    if (access(knob, F_OK) != 0) {
      continue;
    }
    if (mount(knob, knob, nullptr, MS_BIND | MS_REC, nullptr) != 0 ||
        mount(nullptr, knob, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) !=
            0) {
      return failed(ConfineStep::proc, -1);
    }
  }
  sethostname("tollgate-sandbox", 16);
  if (cwd != nullptr && chdir(cwd) != 0) {
    return failed(ConfineStep::chdir, -1);
  }
  return true;
}

bool restrict_self(const ConfinePlan& plan, ConfineStep& step) noexcept
{
  if (plan.max_procs > 0) {
    const rlimit procs{plan.max_procs, plan.max_procs};
    if (setrlimit(RLIMIT_NPROC, &procs) != 0) {
      step = ConfineStep::nproc;
      return false;
    }
  }
  // Lock the root-related securebits, then empty every capability set.
  if (prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
                                   SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                                   SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED) != 0) {
    step = ConfineStep::capabilities;
    return false;
  }
  for (int cap = 0; cap <= 63; ++cap) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
      step = ConfineStep::capabilities;
      return false;
    }
  }
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capset, &header, data) != 0) {
    step = ConfineStep::capabilities;
    return false;
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    step = ConfineStep::no_new_privs;
    return false;
  }
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &plan.seccomp_program) != 0) {
    step = ConfineStep::seccomp;
    return false;
  }
  return true;
}

} // namespace tollgate::proc::detail
