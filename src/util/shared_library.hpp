#pragma once
// A shared library loaded with dlopen when first needed, for the libraries whose loading would
// otherwise cost every process at start (libgit2, librnp). RTLD_NOW | RTLD_LOCAL: its symbols are
// reached through symbol(), never by name from another library. Never unloaded, and trivially
// destructible: nothing to run at exit.

#include <array>

namespace tollgate::util {

struct SharedLibrary {
  void* handle = nullptr;        // null when it could not be loaded
  std::array<char, 512> error{}; // then why (dlerror's words)

  static SharedLibrary load(const char* soname);
  // The address of `name` in the library; null when it is not loaded or lacks `name`.
  void* symbol(const char* name) const;
};

} // namespace tollgate::util
