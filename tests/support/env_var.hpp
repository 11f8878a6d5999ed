#pragma once
// An environment variable set or unset for the lifetime of the object, then restored.

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace tollgate::test {

class EnvVar {
public:
  explicit EnvVar(std::string name) : m_name(std::move(name))
  {
    if (const char* old = std::getenv(m_name.c_str())) {
      m_old = old;
    }
  }
  ~EnvVar()
  {
    if (m_old) {
      ::setenv(m_name.c_str(), m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

  void set(const std::string& value) const { ::setenv(m_name.c_str(), value.c_str(), 1); }
  void unset() const { ::unsetenv(m_name.c_str()); }

private:
  std::string m_name;
  std::optional<std::string> m_old;
};

} // namespace tollgate::test
