#include "version_files/entry.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

namespace tollgate::version_files {

Format format_for(std::string_view file_name)
{
  const std::size_t slash = file_name.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  if (name == "pyproject.toml") {
    return Format::pyproject;
  }
  if (name == "package.json") {
    return Format::package_json;
  }
  if (name == "package-lock.json" || name == "npm-shrinkwrap.json") {
    return Format::package_lock;
  }
  if (name == "Cargo.toml") {
    return Format::cargo;
  }
  if (name == "setup.cfg") {
    return Format::setup_cfg;
  }
  return Format::pattern;
}

std::string_view looked_for(Format format)
{
  switch (format) {
  case Format::pyproject:
    return "[project] version or [tool.poetry] version";
  case Format::package_json:
    return "a top-level \"version\"";
  case Format::package_lock:
    return "a top-level \"version\" or packages[\"\"].version";
  case Format::cargo:
    return "[package] version or [workspace.package] version";
  case Format::setup_cfg:
    return "[metadata] version";
  case Format::pattern:
    break;
  }
  return "a match of the pattern";
}

Result<Entry> make_entry(std::string path, std::string pattern, std::string origin)
{
  if (path.empty()) {
    return fail("a version file's `path` must not be empty");
  }
  if (path.front() == '/' || path.back() == '/' || path.find('\\') != std::string::npos ||
      path.find("//") != std::string::npos) {
    return fail(fmt::format("version file `{}`: a path relative to the repository root, `/`-separated", path));
  }
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = std::string_view(path).substr(start, end - start);
    if (part == "." || part == ".." || part == ".git") {
      return fail(fmt::format("version file `{}`: `{}` is not allowed in the path", path, part));
    }
    start = end + 1;
  }
  if (path == "tollgate.yaml" || path == "MAINTAINERS.yaml" || path.starts_with(".tollgate/")) {
    return fail(fmt::format("version file `{}`: a governance file (the configuration or the trust root) is "
                            "never edited by a release",
                            path));
  }
  Entry entry{std::move(path), std::move(pattern), Format::pattern, std::move(origin)};
  if (entry.pattern.empty()) {
    entry.format = format_for(entry.path);
    if (entry.format == Format::pattern) {
      return fail(fmt::format("version file `{}`: no built-in format for this file name (pyproject.toml, "
                              "package.json, package-lock.json, Cargo.toml, setup.cfg): give `{{path, pattern}}` "
                              "with one capture group for the version",
                              entry.path));
    }
    return entry;
  }
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 re(entry.pattern, options);
  if (!re.ok()) {
    return fail(fmt::format("version file `{}`: the pattern does not compile: {}", entry.path, re.error()));
  }
  if (re.NumberOfCapturingGroups() != 1) {
    return fail(fmt::format("version file `{}`: the pattern must have exactly one capture group (the version), "
                            "not {}; write other groups as (?:...)",
                            entry.path, re.NumberOfCapturingGroups()));
  }
  return entry;
}

} // namespace tollgate::version_files
