#include "git/libgit2.hpp"

#include <dlfcn.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#ifndef TOLLGATE_LIBGIT2_SONAME
#error "TOLLGATE_LIBGIT2_SONAME: the soname of the libgit2 the headers are from (set by cmake/Dependencies.cmake)"
#endif

namespace tollgate::git::lib {

namespace {

// Trivially destructible: a load still running on the background thread at exit registers nothing.
struct Library {
  void* handle = nullptr;
  std::array<char, 512> error{};
};

const Library& library()
{
  static const Library loaded = [] {
    Library lib;
    // RTLD_LOCAL: its symbols are reached through symbol(), never by name from another library.
    lib.handle = ::dlopen(TOLLGATE_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib.handle == nullptr) {
      const char* why = ::dlerror();
      std::snprintf(lib.error.data(), lib.error.size(), "%s", why != nullptr ? why : TOLLGATE_LIBGIT2_SONAME);
    }
    return lib;
  }();
  return loaded;
}

[[noreturn]] void cannot_work(const char* what, const char* detail)
{
  std::fflush(stdout);
  std::fprintf(stderr, "tollgate: error: %s (%s): install the libgit2 tollgate was built with (%s)\n", what, detail,
               TOLLGATE_LIBGIT2_SONAME);
  std::fflush(stderr);
  std::_Exit(3); // an environment failure; from any thread, before anything was decided or written
}

} // namespace

void* symbol(const char* name)
{
  const Library& lib = library();
  if (lib.handle == nullptr) {
    cannot_work("cannot load libgit2", lib.error.data());
  }
  void* address = ::dlsym(lib.handle, name);
  if (address == nullptr) {
    cannot_work("libgit2 lacks a function tollgate calls", name);
  }
  return address;
}

std::jthread load_in_background(void (*then)())
{
  return std::jthread([then] {
    if (library().handle != nullptr && then != nullptr) {
      then();
    }
  });
}

} // namespace tollgate::git::lib
