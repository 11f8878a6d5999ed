#pragma once
// Async-signal-safe helpers for the supervisor and the processes it forks (supervisor.cpp): they
// run after a fork from a multithreaded parent, so they only make system calls on memory prepared
// before the fork: no allocation, no stdio, no C++ library call that might allocate or lock.

#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

#include <cstddef>
#include <cstdint>

namespace tollgate::proc::detail {

inline constexpr std::int64_t k_ns_per_s = 1'000'000'000;
inline constexpr std::int64_t k_ns_per_ms = 1'000'000;

std::int64_t now_ns() noexcept;

timespec to_timespec(std::int64_t ns) noexcept;

std::int64_t cpu_us(const rusage& usage) noexcept;

void write_all(int fd, const void* data, std::size_t size) noexcept;

// Reads exactly `size` bytes unless EOF comes first; returns how many were read.
std::size_t read_all(int fd, void* data, std::size_t size) noexcept;

// Closes every descriptor inherited from the parent except 0-2 and the (up to four) in `keep`:
// other threads' report pipes must not stay open in this supervisor.
void close_other_fds(int a, int b, int c, int d) noexcept;

// Makes `from` available as `to` across exec (dup2 leaves FD_CLOEXEC set when they are equal).
bool move_fd(int from, int to) noexcept;

bool write_file(const char* path, const char* text) noexcept;

// "/proc/<pid>/<name>" into `buffer`.
void proc_path(char* buffer, std::size_t size, pid_t pid, const char* name) noexcept;

// Writes `text` to /proc/<pid>/<name>.
bool write_proc(pid_t pid, const char* name, const char* text) noexcept;

} // namespace tollgate::proc::detail
