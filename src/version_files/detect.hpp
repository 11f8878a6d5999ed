#pragma once
// `tollgate init`: the version files a work tree has, each checked the way a release would edit it.

#include "version_files/entry.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace tollgate::version_files {

struct Detected {
  Entry entry;
  std::string version; // what it holds now
};

struct Skipped {
  std::string path;
  std::string reason; // why a release could not edit it (a dynamic version, none found...)
};

struct Detection {
  std::vector<Detected> files; // in the order tollgate.yaml lists them
  std::vector<Skipped> skipped;
};

// pyproject.toml, setup.cfg, package.json, package-lock.json, npm-shrinkwrap.json and Cargo.toml at
// `root`, and a Python package's `__version__ = "..."` (in `<pkg>/__init__.py`, `_version.py` or
// `__about__.py`, at the top or under `src/`) as a pattern entry.
Detection detect(const std::filesystem::path& root);

} // namespace tollgate::version_files
