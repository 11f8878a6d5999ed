#include "core/release/lock.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::core {

Result<PromotionLock> PromotionLock::acquire(const std::filesystem::path& git_dir)
{
  const std::filesystem::path path = git_dir / "tollgate.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;
    const bool read_only = error == EROFS || error == EACCES || error == EPERM;
    return fail(fmt::format("cannot open {}: {}{}", path.string(), std::strerror(error),
                            error == ELOOP ? " (a symbolic link: tollgate does not follow it)"
                            : read_only
                                ? " (a promotion writes objects, refs and the CHANGELOG: the repository must be "
                                  "writable)"
                                : ""));
  }
  PromotionLock lock(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_nlink != 1) {
    return fail(fmt::format("{} is not a plain file of tollgate's (a hard link or a device?): refused; delete it "
                            "after inspection",
                            path.string()));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[64] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : std::string("?");
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
      pid.pop_back();
    }
    return fail(fmt::format("another promotion holds the lock {} (pid {}); try again when it has finished",
                            path.string(), pid));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return lock;
}

PromotionLock::~PromotionLock()
{
  if (m_fd >= 0) {
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
  }
}

void fault_point(const char* point)
{
  const char* wanted = std::getenv("TOLLGATE_FAULT");
  if (wanted != nullptr && std::strcmp(wanted, point) == 0) {
    std::fflush(nullptr);
    ::kill(::getpid(), SIGKILL);
  }
}

} // namespace tollgate::core
