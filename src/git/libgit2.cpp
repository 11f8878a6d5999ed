#include "git/libgit2.hpp"

#include "util/shared_library.hpp"

#include <cstdio>
#include <cstdlib>

#ifndef TOLLGATE_LIBGIT2_SONAME
#error "TOLLGATE_LIBGIT2_SONAME: the soname of the libgit2 the headers are from (set by cmake/Dependencies.cmake)"
#endif

namespace tollgate::git::lib {

namespace {

const util::SharedLibrary& library()
{
  static const util::SharedLibrary loaded = util::SharedLibrary::load(TOLLGATE_LIBGIT2_SONAME);
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
  const util::SharedLibrary& lib = library();
  if (lib.handle == nullptr) {
    cannot_work("cannot load libgit2", lib.error.data());
  }
  void* address = lib.symbol(name);
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
