#include "support/gpg_fixture.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <sys/wait.h>

namespace tollgate::test {

std::string quote(const std::string& text)
{
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

std::string sh(const std::string& command)
{
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), &pclose);
  if (!pipe) {
    throw std::runtime_error("cannot run: " + command);
  }
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) {
    output.append(buffer.data(), n);
  }
  const int status = pclose(pipe.release());
  if (status != 0) {
    throw std::runtime_error("command failed (" + std::to_string(status) + "): " + command);
  }
  return output;
}

int sh_status(const std::string& command)
{
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

namespace {

std::string trim_newline(std::string text)
{
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

} // namespace

const Keys& Keys::get()
{
  static const Keys k_keys;
  return k_keys;
}

Keys::Keys()
{
  const std::string home = m_dir.path().string() + "/gnupg";
  std::filesystem::create_directories(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  ::setenv("GNUPGHOME", home.c_str(), 1);
  struct Spec {
    const char* id;
    const char* name;
    const char* email;
    const char* extra; // options for key creation
  };
  const std::array<Spec, 8> specs = {{
      {"ada", "Ada Lovelace", "ada@example.com", ""},
      {"bob", "Bob Builder", "bob@example.com", ""},
      {"bob2", "Bob Builder", "bob@example.com", ""},
      {"carol", "Carol Author", "carol@example.com", ""},
      {"eve", "Eve Outsider", "eve@example.com", ""},
      {"mallory", "Mallory Listed-Nowhere", "mallory@example.com", ""},
      {"rita", "Rita Revoked", "rita@example.com", ""},
      {"olga", "Olga Expired", "olga@example.com", "--faked-system-time 20200101T000000!"},
  }};
  for (const auto& spec : specs) {
    const std::string uid = std::string(spec.name) + " <" + spec.email + ">";
    const std::string expiry = std::string(spec.id) == "olga" ? "1y" : "never";
    // bob2 has the same user id as bob: select keys by fingerprint, from the newest listing line.
    sh("gpg --batch --yes --quiet " + std::string(spec.extra) + " --passphrase '' --quick-gen-key " + quote(uid) +
       " ed25519 sign " + expiry + " 2>/dev/null");
    const std::string fingerprint =
        trim_newline(sh("gpg --batch --with-colons --list-keys " + quote(spec.email) +
                        " 2>/dev/null | awk -F: '$1==\"fpr\" && !seen[$10]++ {print $10}' | tail -n 1"));
    TestKey key{spec.name, spec.email, fingerprint, ""};
    key.armored = sh("gpg --batch --armor --export " + fingerprint + " 2>/dev/null");
    m_keys.emplace(spec.id, std::move(key));
  }
  // Rita's key as the repository keeps it: the public key followed by its revocation certificate
  // (GnuPG writes one at creation, with a ':' guarding the armor line against accidental import).
  TestKey& rita = m_keys.at("rita");
  std::ifstream cert(home + "/openpgp-revocs.d/" + rita.fingerprint + ".rev");
  std::string text;
  for (std::string line; std::getline(cert, line);) {
    if (line.starts_with(":-----")) {
      line.erase(0, 1);
    }
    text += line + "\n";
  }
  const std::size_t begin = text.find("-----BEGIN PGP PUBLIC KEY BLOCK-----");
  if (begin == std::string::npos) {
    throw std::runtime_error("no revocation certificate for rita");
  }
  rita.armored += text.substr(begin);
}

Keys::~Keys()
{
  sh_status("gpgconf --homedir " + quote(m_dir.path().string() + "/gnupg") + " --kill gpg-agent");
}

} // namespace tollgate::test
