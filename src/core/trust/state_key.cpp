#include "core/trust/state_key.hpp"

#include "util/hmac.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::core {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_key_size = 32;
constexpr const char* k_key_file = "hmac.key";

class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

std::string errno_text(int error)
{
  return std::strerror(error); // NOLINT(concurrency-mt-unsafe): messages only
}

fs::path cache_home()
{
  const char* xdg = std::getenv("XDG_CACHE_HOME"); // NOLINT(concurrency-mt-unsafe): read-only use
  if (xdg != nullptr && xdg[0] == '/') {
    return xdg;
  }
  const char* home = std::getenv("HOME"); // NOLINT(concurrency-mt-unsafe): read-only use
  if (home != nullptr && home[0] == '/') {
    return fs::path(home) / ".cache";
  }
  const passwd* entry = ::getpwuid(::geteuid()); // NOLINT(concurrency-mt-unsafe): read once
  if (entry != nullptr && entry->pw_dir != nullptr) {
    return fs::path(entry->pw_dir) / ".cache";
  }
  return {};
}

// `path` as a directory of this user's that only they can enter: created 0700, else checked.
Result<void> private_dir(const fs::path& path)
{
  if (::mkdir(path.c_str(), 0700) == 0) {
    return {};
  }
  if (errno != EEXIST) {
    return fail(fmt::format("cannot create {}: {}", path.string(), errno_text(errno)));
  }
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    return fail(fmt::format("cannot read {}: {}", path.string(), errno_text(errno)));
  }
  if (S_ISLNK(info.st_mode) || !S_ISDIR(info.st_mode)) {
    return fail(fmt::format("{} is not a directory (a symbolic link or a file): refused", path.string()));
  }
  if (info.st_uid != ::geteuid()) {
    return fail(fmt::format("{} belongs to another user: refused", path.string()));
  }
  if ((info.st_mode & 0077U) != 0 && ::chmod(path.c_str(), 0700) != 0) {
    return fail(fmt::format("cannot make {} private: {}", path.string(), errno_text(errno)));
  }
  return {};
}

Result<std::string> read_key(int fd, const fs::path& path)
{
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return fail(fmt::format("cannot read {}: {}", path.string(), errno_text(errno)));
  }
  if (!S_ISREG(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & 07777U) != 0600) {
    return fail(fmt::format("{} must be a regular file owned by you with mode 0600: refused (delete it to make a "
                            "new key)",
                            path.string()));
  }
  std::array<char, k_key_size + 1> buffer{};
  std::size_t size = 0;
  while (size < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + size, buffer.size() - size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    size += static_cast<std::size_t>(n);
  }
  if (size != k_key_size) {
    return fail(fmt::format("{} does not hold a {}-byte key: refused (delete it to make a new key)", path.string(),
                            k_key_size));
  }
  return std::string(buffer.data(), k_key_size);
}

// Writes a fresh key to a private scratch file and links it into place: the key file appears
// complete or not at all. False (no error) when another process's key got there first.
Result<bool> create_key(const fs::path& path)
{
  std::array<char, k_key_size> key{};
  std::size_t size = 0;
  while (size < key.size()) {
    const ssize_t n = ::getrandom(key.data() + size, key.size() - size, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return fail(fmt::format("cannot make a key: getrandom: {}", errno_text(errno)));
    }
    size += static_cast<std::size_t>(n);
  }
  const fs::path scratch = path.string() + fmt::format(".{}", ::getpid());
  ::unlink(scratch.c_str()); // a leftover of this pid's crashed predecessor
  {
    const Fd fd(::open(scratch.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
      return fail(fmt::format("cannot create {}: {}", scratch.string(), errno_text(errno)));
    }
    if (::fchmod(fd.get(), 0600) != 0 ||
        ::write(fd.get(), key.data(), key.size()) != static_cast<ssize_t>(key.size()) || ::fsync(fd.get()) != 0) {
      const int error = errno;
      ::unlink(scratch.c_str());
      return fail(fmt::format("cannot write {}: {}", scratch.string(), errno_text(error)));
    }
  }
  const int linked = ::link(scratch.c_str(), path.c_str());
  const int error = errno;
  ::unlink(scratch.c_str());
  if (linked == 0) {
    return true;
  }
  if (error == EEXIST) {
    return false;
  }
  return fail(fmt::format("cannot create {}: {}", path.string(), errno_text(error)));
}

} // namespace

Result<fs::path> user_state_dir()
{
  const fs::path home = cache_home();
  if (home.empty()) {
    return fail("cannot find a cache directory: neither XDG_CACHE_HOME nor HOME is set");
  }
  std::error_code ec;
  fs::create_directories(home, ec);
  if (ec) {
    return fail(fmt::format("cannot create {}: {}", home.string(), ec.message()));
  }
  const fs::path dir = home / "tollgate";
  if (auto made = private_dir(dir); !made) {
    return std::unexpected(made.error());
  }
  return dir;
}

Result<fs::path> user_state_subdir(std::string_view name)
{
  auto dir = user_state_dir();
  if (!dir) {
    return dir;
  }
  fs::path sub = *dir / name;
  if (auto made = private_dir(sub); !made) {
    return std::unexpected(made.error());
  }
  return sub;
}

Result<std::string> load_state_key(const fs::path& dir)
{
  const fs::path path = dir / k_key_file;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
    if (fd.get() >= 0) {
      return read_key(fd.get(), path);
    }
    if (errno == ELOOP) {
      return fail(fmt::format("{} is a symbolic link: refused", path.string()));
    }
    if (errno != ENOENT) {
      return fail(fmt::format("cannot read {}: {}", path.string(), errno_text(errno)));
    }
    auto created = create_key(path);
    if (!created) {
      return std::unexpected(created.error());
    }
    // Created or lost the race: either way, read what is in place now.
  }
  return fail(fmt::format("cannot read {}", path.string()));
}

Result<std::string> state_key()
{
  auto dir = user_state_dir();
  if (!dir) {
    return std::unexpected(dir.error());
  }
  return load_state_key(*dir);
}

std::string state_mac(std::string_view key, std::string_view purpose, std::string_view data)
{
  std::string message;
  message.reserve(purpose.size() + 1 + data.size());
  message.append(purpose).append(1, '\0').append(data);
  return util::hmac_sha256_hex(key, message);
}

} // namespace tollgate::core
