// `tollgate ci matrix --shards N`: the GitHub Actions matrix of an attesting fan-out, one line of
// JSON ({"include": [{"shard": "1/N"}, ...]}) for `$GITHUB_OUTPUT`; each job runs
// `tollgate check --attest --shard ${{ matrix.shard }}` (docs/attestations.md, docs/guide-ci.md).

#include "cli/common.hpp"
#include "util/fatal.hpp"

#include <fmt/format.h>

namespace tollgate::cli {

namespace {

struct MatrixOptions {
  unsigned shards = 1;
};

int run_matrix(const MatrixOptions& options)
{
  nlohmann::json include = nlohmann::json::array();
  for (unsigned index = 1; index <= options.shards; ++index) {
    include.push_back({{"shard", fmt::format("{}/{}", index, options.shards)}});
  }
  fmt::print("{}\n", nlohmann::json({{"include", include}}).dump()); // one line, for $GITHUB_OUTPUT
  return exit_code::k_ok;
}

} // namespace

std::function<int()> setup_ci(CLI::App& app, const Globals& /*globals*/)
{
  app.require_subcommand(1);
  auto matrix = std::make_shared<MatrixOptions>();
  CLI::App* matrix_app =
      app.add_subcommand("matrix", "Print the GitHub Actions matrix of `check --attest --shard I/N` jobs");
  matrix_app->add_option("--shards", matrix->shards, "How many shards (1 to 256)")
      ->type_name("N")
      ->required()
      ->check(CLI::Range(1u, 256u));
  return [matrix] { return run_matrix(*matrix); };
}

} // namespace tollgate::cli
