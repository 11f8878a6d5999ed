#include "cli/policy_support.hpp"

#include "cli/common.hpp"
#include "rego/engine.hpp"

#include <cstdio>

namespace tollgate::cli {

rego::RegoResult<void> load_policies(rego::Engine& engine, const std::vector<std::string>& paths, bool bundle,
                                     bool tests)
{
  const std::vector<std::string> defaults{"policies"};
  std::vector<rego::RegoError> errors;
  for (const auto& path : paths.empty() ? defaults : paths) {
    if (auto ok = engine.load(path, bundle); !ok) {
      errors.push_back(ok.error());
    }
  }
  if (!errors.empty()) {
    return std::unexpected(rego::combine_errors(std::move(errors)));
  }
  if (tests) {
    engine.rename_duplicate_tests();
  }
  return engine.compile();
}

void print_rego_errors(const rego::RegoError& error, bool json)
{
  if (json) {
    print_json(rego::error_json(error));
    return;
  }
  if (error.more.empty()) {
    std::fprintf(stderr, "1 error occurred: %s\n", rego::error_line(error).c_str());
    return;
  }
  std::fprintf(stderr, "%zu errors occurred:\n%s\n", error.count(), rego::error_line(error).c_str());
  for (const auto& other : error.more) {
    std::fprintf(stderr, "%s\n", rego::error_line(other).c_str());
  }
}

} // namespace tollgate::cli
