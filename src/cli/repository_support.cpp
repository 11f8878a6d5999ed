#include "cli/repository_support.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::cli {

core::Recovery recover_trust_root_or_fatal(const git::Repository& repo, core::Config& config, bool quiet)
{
  core::Recovery found = core::recover_trust_root_or_fatal(repo, config);
  if (!quiet) {
    fmt::print("{}\n", core::recovery_note(found, config));
    std::fflush(stdout);
  }
  return found;
}

} // namespace tollgate::cli
