// `tollgate --version [--json]`: the version, and with --json the commit it was built from and the
// libraries it runs with.

#include "build_info.hpp"
#include "cli/common.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

namespace tollgate::cli {

int print_version(const Globals& globals)
{
  if (globals.json) {
    print_json({{"version", TOLLGATE_VERSION},
                {"commit", TOLLGATE_COMMIT},
                {"libgit2", git::libgit2_version()},
                {"gpgme", gpg::library_version()}});
  } else {
    fmt::print("tollgate {}\n", TOLLGATE_VERSION);
  }
  return exit_code::k_ok;
}

} // namespace tollgate::cli
