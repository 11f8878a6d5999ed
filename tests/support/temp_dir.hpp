#pragma once
// A temporary directory removed with everything in it when the object dies.

#include <filesystem>
#include <string>
#include <string_view>

namespace tollgate::test {

class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  // Writes `content` to `relative` (creating parent directories) and returns its full path.
  std::filesystem::path write(std::string_view relative, std::string_view content) const;

private:
  std::filesystem::path m_path;
};

std::string read_file(const std::filesystem::path& path);

} // namespace tollgate::test
