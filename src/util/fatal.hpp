#pragma once
// The one exception type: it aborts the current command and is caught once, in main,
// which prints `tollgate: error: <message>` and exits with `exit_code` (DESIGN.md §1).

#include <stdexcept>
#include <string>

namespace tollgate {

namespace exit_code {
inline constexpr int k_ok = 0;
inline constexpr int k_failed = 1;      // a check failed / the gate is closed
inline constexpr int k_usage = 2;       // usage or configuration error
inline constexpr int k_environment = 3; // missing tool, no signing key, repository state
} // namespace exit_code

class Fatal : public std::runtime_error {
public:
  Fatal(int exit_code, const std::string& message) : std::runtime_error(message), m_exit_code(exit_code) {}
  int exit_code() const noexcept { return m_exit_code; }

private:
  int m_exit_code;
};

[[noreturn]] inline void usage_error(const std::string& message)
{
  throw Fatal(exit_code::k_usage, message);
}
[[noreturn]] inline void environment_error(const std::string& message)
{
  throw Fatal(exit_code::k_environment, message);
}

} // namespace tollgate
