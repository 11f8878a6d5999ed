#include "version_files/detect.hpp"

#include "version_files/locate.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>

namespace tollgate::version_files {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_size = 64 * 1024 * 1024;

std::optional<std::string> read_regular(const fs::path& path)
{
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec)) || fs::file_size(path, ec) > k_max_size || ec) {
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void consider(const fs::path& root, const std::string& path, const std::string& pattern, Detection& detection)
{
  const auto text = read_regular(root / path);
  if (!text) {
    return;
  }
  auto entry = make_entry(path, pattern, "");
  if (!entry) {
    detection.skipped.push_back({path, entry.error().message});
    return;
  }
  auto spans = locate(*entry, *text);
  if (!spans) {
    detection.skipped.push_back({path, spans.error().message});
    return;
  }
  detection.files.push_back({std::move(*entry), text->substr(spans->front().offset, spans->front().length)});
}

// The Python packages directly under `dir` (relative to `root`, "" for the root itself).
std::vector<std::string> python_packages(const fs::path& root, const std::string& dir)
{
  std::vector<std::string> packages;
  std::error_code ec;
  for (fs::directory_iterator it(root / dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_directory(ec) || name.starts_with(".") || name == "tests" || name == "test" || name == "node_modules" ||
        name == "venv" || name == "build" || name == "dist") {
      continue;
    }
    if (fs::exists(it->path() / "__init__.py", ec)) {
      packages.push_back(dir.empty() ? name : dir + "/" + name);
    }
  }
  std::sort(packages.begin(), packages.end());
  return packages;
}

} // namespace

Detection detect(const fs::path& root)
{
  Detection detection;
  for (const char* name :
       {"pyproject.toml", "setup.cfg", "package.json", "package-lock.json", "npm-shrinkwrap.json", "Cargo.toml"}) {
    consider(root, name, "", detection);
  }
  // `__version__ = "1.2.3"` at the start of a line, in the quotes it is written with.
  static const RE2 k_dunder(R"re((?m)^__version__\s*=\s*(["'])[^"'\r\n]+["'])re");
  for (const char* dir : {"", "src"}) {
    for (const auto& package : python_packages(root, dir)) {
      for (const char* file : {"__init__.py", "_version.py", "__about__.py"}) {
        const std::string path = package + "/" + file;
        const auto text = read_regular(root / path);
        std::string quote;
        if (!text || !RE2::PartialMatch(*text, k_dunder, &quote)) {
          continue;
        }
        consider(root, path, fmt::format(R"(^__version__\s*=\s*{0}([^{0}]+){0})", quote), detection);
      }
    }
  }
  return detection;
}

} // namespace tollgate::version_files
