#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "checks/registry.hpp"
#include "support/temp_dir.hpp"

#include <cstdlib>

int main(int argc, char* argv[])
{
  // tollgate's per-user state (keyrings, cached verdicts, its key) goes to a directory of this
  // process's, never the user's own ~/.cache.
  const tollgate::test::TempDir cache;
  ::setenv("XDG_CACHE_HOME", cache.path().c_str(), 1);
  tollgate::checks::install_kinds();
  return Catch::Session().run(argc, argv);
}
