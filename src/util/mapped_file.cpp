#include "util/mapped_file.hpp"

#include "util/fd.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

namespace tollgate::util {

std::optional<MappedFile> MappedFile::open(const std::filesystem::path& path)
{
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    return MappedFile(nullptr, 0);
  }
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (data == MAP_FAILED) {
    return std::nullopt;
  }
  return MappedFile(data, size);
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept
{
  if (this != &other) {
    if (m_data != nullptr) {
      ::munmap(m_data, m_size);
    }
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
  }
  return *this;
}

MappedFile::~MappedFile()
{
  if (m_data != nullptr) {
    ::munmap(m_data, m_size);
  }
}

} // namespace tollgate::util
