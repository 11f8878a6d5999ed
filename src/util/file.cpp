#include "util/file.hpp"

#include <fstream>
#include <sstream>

namespace tollgate::util {

std::string read_file_tail(const std::filesystem::path& path, std::size_t max_bytes)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "";
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const auto limit = static_cast<std::streamoff>(max_bytes);
  in.seekg(size > limit ? size - limit : 0);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace tollgate::util
