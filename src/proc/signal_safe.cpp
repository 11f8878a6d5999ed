#include "proc/signal_safe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace tollgate::proc::detail {

std::int64_t now_ns() noexcept
{
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * k_ns_per_s + ts.tv_nsec;
}

timespec to_timespec(std::int64_t ns) noexcept
{
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / k_ns_per_s);
  ts.tv_nsec = static_cast<long>(ns % k_ns_per_s);
  return ts;
}

std::int64_t cpu_us(const rusage& usage) noexcept
{
  return (std::int64_t{usage.ru_utime.tv_sec} + std::int64_t{usage.ru_stime.tv_sec}) * 1'000'000 +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

void write_all(int fd, const void* data, std::size_t size) noexcept
{
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = write(fd, bytes, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
}

// Reads exactly `size` bytes unless EOF comes first; returns how many were read.
std::size_t read_all(int fd, void* data, std::size_t size) noexcept
{
  auto* bytes = static_cast<char*>(data);
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = read(fd, bytes + got, size - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  return got;
}

// Closes every descriptor inherited from the parent except 0-2 and the (up to four) in `keep`:
// other threads' report pipes must not stay open in this supervisor.
void close_other_fds(int a, int b, int c, int d) noexcept
{
  int keep[4] = {a, b, c, d};
  for (int i = 0; i < 4; ++i) {
    for (int j = i + 1; j < 4; ++j) {
      if (keep[j] < keep[i]) {
        const int tmp = keep[i];
        keep[i] = keep[j];
        keep[j] = tmp;
      }
    }
  }
  unsigned first = 3;
  for (const int fd : keep) {
    if (fd < static_cast<int>(first)) {
      continue;
    }
    if (static_cast<unsigned>(fd) > first) {
      close_range(first, static_cast<unsigned>(fd) - 1, 0);
    }
    first = static_cast<unsigned>(fd) + 1;
  }
  close_range(first, ~0U, 0);
}

// Makes `from` available as `to` across exec (dup2 leaves FD_CLOEXEC set when they are equal).
bool move_fd(int from, int to) noexcept
{
  if (from == to) {
    return fcntl(to, F_SETFD, 0) == 0;
  }
  return dup2(from, to) == to;
}

bool write_file(const char* path, const char* text) noexcept
{
  const int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  std::size_t length = 0;
  while (text[length] != '\0') {
    ++length;
  }
  const bool ok = write(fd, text, length) == static_cast<ssize_t>(length);
  close(fd);
  return ok;
}

// "/proc/<pid>/<name>" into `buffer`.
void proc_path(char* buffer, std::size_t size, pid_t pid, const char* name) noexcept
{
  char digits[16];
  std::size_t n = 0;
  for (auto value = static_cast<unsigned>(pid); n == 0 || value != 0; value /= 10) {
    digits[n++] = static_cast<char>('0' + value % 10);
  }
  std::size_t at = 0;
  const auto append = [&](const char* text) {
    while (*text != '\0' && at + 1 < size) {
      buffer[at++] = *text++;
    }
  };
  append("/proc/");
  while (n > 0 && at + 1 < size) {
    buffer[at++] = digits[--n];
  }
  append("/");
  append(name);
  buffer[at] = '\0';
}

// Writes `text` to /proc/<pid>/<name>.
bool write_proc(pid_t pid, const char* name, const char* text) noexcept
{
  char path[64];
  proc_path(path, sizeof path, pid, name);
  return write_file(path, text);
}

} // namespace tollgate::proc::detail
