#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace tollgate::util {

// The last `max_bytes` bytes of the file at `path` (all of it when smaller); "" when unreadable.
// Logs can be huge: callers that only need the end never hold the whole file.
std::string read_file_tail(const std::filesystem::path& path, std::size_t max_bytes);

} // namespace tollgate::util
