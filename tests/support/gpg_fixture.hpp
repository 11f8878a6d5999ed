#pragma once
// Real GPG keys in a temporary GNUPGHOME (set for the whole test process) and real git repositories,
// for tests of signatures and approvals. Test code may run the `git` and `gpg` CLIs; the product never
// does.

#include "support/temp_dir.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace tollgate::test {

// Runs `command` with /bin/sh; returns its stdout. Throws (failing the test) on a non-zero exit.
std::string sh(const std::string& command);
// Like sh() but returns the exit code and ignores the output.
int sh_status(const std::string& command);
// Single-quotes `text` for the shell.
std::string quote(const std::string& text);

struct TestKey {
  std::string name;
  std::string email;
  std::string fingerprint;
  std::string armored; // the public key as a repository keeps it (with its revocation, if revoked)
};

// The keys every approvals test uses, generated once per process:
// ada, bob, bob2 (Bob's second key), carol, eve, mallory, rita (revoked), olga (expired).
class Keys {
public:
  static const Keys& get();
  const TestKey& operator[](const std::string& id) const { return m_keys.at(id); }
  const std::filesystem::path& home() const { return m_dir.path(); }
  ~Keys();

private:
  Keys();
  TempDir m_dir;
  std::map<std::string, TestKey> m_keys;
};

} // namespace tollgate::test
