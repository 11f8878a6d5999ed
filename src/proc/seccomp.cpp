// The seccomp filter of a confined command (see seccomp.hpp).
#include "proc/seccomp.hpp"

#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace tollgate::proc::detail {

namespace {

// Builds the seccomp program once: what namespaces do not cover. Denied with EPERM (ENOSYS for
// clone3, so that libc falls back to clone, whose flags can be inspected).
Result<std::vector<sock_filter>> build_seccomp()
{
  using Ctx = std::unique_ptr<void, decltype(&seccomp_release)>;
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW), &seccomp_release);
  if (!ctx) {
    return fail("seccomp: cannot create a filter");
  }
  constexpr const char* k_denied[] = {"ptrace",
                                      "process_vm_readv",
                                      "process_vm_writev",
                                      "mount",
                                      "umount2",
                                      "pivot_root",
                                      "move_mount",
                                      "open_tree",
                                      "fsopen",
                                      "fsconfig",
                                      "fsmount",
                                      "fspick",
                                      "mount_setattr",
                                      "unshare",
                                      "setns",
                                      "kexec_load",
                                      "kexec_file_load",
                                      "init_module",
                                      "finit_module",
                                      "delete_module",
                                      "bpf",
                                      "userfaultfd",
                                      "perf_event_open",
                                      "keyctl",
                                      "add_key",
                                      "request_key",
                                      "acct",
                                      "swapon",
                                      "swapoff",
                                      "reboot",
                                      "syslog",
                                      "chroot",
                                      "quotactl",
                                      "iopl",
                                      "ioperm",
                                      "io_uring_setup",
                                      "io_uring_enter",
                                      "io_uring_register",
                                      "open_by_handle_at",
                                      "lookup_dcookie",
                                      "pidfd_getfd",
                                      "kcmp"};
  for (const char* name : k_denied) {
    const int number = seccomp_syscall_resolve_name(name);
    if (number == __NR_SCMP_ERROR) {
      continue; // not on this architecture
    }
    if (seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), number, 0) != 0) {
      return fail(std::string("seccomp: cannot deny ") + name);
    }
  }
  if (seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0) {
    return fail("seccomp: cannot deny clone3");
  }
  for (const int clone_flag :
       {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP}) {
    const auto flag = static_cast<scmp_datum_t>(static_cast<unsigned>(clone_flag));
    if (seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)) != 0) {
      return fail("seccomp: cannot restrict clone");
    }
  }
  // Typing into a terminal the command does not own, or the console's selection buffer.
  for (const scmp_datum_t request : {scmp_datum_t{TIOCSTI}, scmp_datum_t{TIOCLINUX}}) {
    if (seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                         SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffU, request)) != 0) {
      return fail("seccomp: cannot restrict ioctl");
    }
  }
  const int fd = memfd_create("tollgate-seccomp", MFD_CLOEXEC);
  if (fd < 0) {
    return fail(std::string("seccomp: memfd_create: ") + std::strerror(errno));
  }
  const auto close_fd = std::unique_ptr<int, void (*)(int*)>(new int(fd), [](int* p) {
    close(*p);
    delete p; // NOLINT(cppcoreguidelines-owning-memory): paired with the new above
  });
  if (seccomp_export_bpf(ctx.get(), fd) != 0) {
    return fail("seccomp: cannot export the filter");
  }
  const off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0) {
    return fail("seccomp: the exported filter is malformed");
  }
  std::vector<sock_filter> program(static_cast<std::size_t>(size) / sizeof(sock_filter));
  if (pread(fd, program.data(), static_cast<std::size_t>(size), 0) != size) {
    return fail("seccomp: cannot read the exported filter back");
  }
  return program;
}

} // namespace

const Result<std::vector<sock_filter>>& seccomp_filter()
{
  static std::once_flag once;
  static std::optional<Result<std::vector<sock_filter>>> program;
  std::call_once(once, [] { program = build_seccomp(); });
  return *program;
}

int seccomp_memfd(const std::vector<sock_filter>& program)
{
  const int fd = memfd_create("tollgate-seccomp", MFD_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  const std::size_t bytes = program.size() * sizeof(sock_filter);
  if (write(fd, program.data(), bytes) != static_cast<ssize_t>(bytes) || lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

} // namespace tollgate::proc::detail
