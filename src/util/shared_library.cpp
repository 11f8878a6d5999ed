#include "util/shared_library.hpp"

#include <dlfcn.h>

#include <cstdio>

namespace tollgate::util {

SharedLibrary SharedLibrary::load(const char* soname)
{
  SharedLibrary lib;
  lib.handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib.handle == nullptr) {
    const char* why = ::dlerror();
    std::snprintf(lib.error.data(), lib.error.size(), "%s", why != nullptr ? why : soname);
  }
  return lib;
}

void* SharedLibrary::symbol(const char* name) const
{
  return handle != nullptr ? ::dlsym(handle, name) : nullptr;
}

} // namespace tollgate::util
