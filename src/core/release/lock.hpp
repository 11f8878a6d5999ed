#pragma once
// The promotion lock: `.git/tollgate.lock`, held with flock(2) so that a killed process (even by
// SIGKILL) releases it; the holder's pid is written inside for the message others see.

#include "util/expected.hpp"

#include <filesystem>

namespace tollgate::core {

class PromotionLock {
public:
  // Fails at once, naming the holder, when another process holds it.
  static Result<PromotionLock> acquire(const std::filesystem::path& git_dir);
  PromotionLock(PromotionLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  PromotionLock& operator=(PromotionLock&&) = delete;
  PromotionLock(const PromotionLock&) = delete;
  PromotionLock& operator=(const PromotionLock&) = delete;
  ~PromotionLock();

private:
  explicit PromotionLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// Fault injection for the crash-safety tests: when TOLLGATE_FAULT names `point`, the process
// SIGKILLs itself there (no cleanup runs, as in a real crash).
void fault_point(const char* point);

} // namespace tollgate::core
