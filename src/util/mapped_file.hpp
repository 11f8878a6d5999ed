#pragma once
// A file mapped read-only into memory (mmap), unmapped when the object dies: its pages are read from
// the page cache as they are touched, so a binary search in a 3.7 MB packed-refs file reads a few of
// them (git maps packed-refs the same way). Writers that replace the file (git's lock and rename)
// leave the mapping on the old file; one that truncated it in place under the mapping would make
// reading past its new end fault (SIGBUS), as it would in git.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <utility>

namespace tollgate::util {

class MappedFile {
public:
  // The regular file at `path` (symlinks followed); nullopt when it cannot be opened or mapped.
  // An empty file maps to an empty view.
  static std::optional<MappedFile> open(const std::filesystem::path& path);
  MappedFile(MappedFile&& other) noexcept
      : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
  {
  }
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view text() const { return {static_cast<const char*>(m_data), m_size}; }

private:
  MappedFile(void* data, std::size_t size) : m_data(data), m_size(size) {}
  void* m_data = nullptr; // null for an empty file
  std::size_t m_size = 0;
};

} // namespace tollgate::util
