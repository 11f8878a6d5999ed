#include "cli/common.hpp"

#include "checks/registry.hpp"
#include "rego/value.hpp"

#include <algorithm>
#include <cstdio>

namespace tollgate::cli {

void print_json(const nlohmann::json& json)
{
  const std::string document = rego::json_text(json, 2); // exact numbers beyond 64 bits too
  std::fwrite(document.data(), 1, document.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::unique_ptr<core::Check> builtin_check(const core::Config& config, std::string_view kind)
{
  const std::string file = config.path.empty() ? std::string(core::k_config_file) : config.path.string();
  for (const auto& spec : config.checks) {
    if (spec.kind == kind) {
      return checks::create(spec, file);
    }
  }
  core::CheckSpec spec;
  spec.kind = std::string(kind);
  spec.id = std::string(kind);
  spec.options = YAML::Node(YAML::NodeType::Map);
  spec.location = core::Location{file, 0, 0};
  return checks::create(spec, file);
}

void add_trust_root_check(std::vector<std::unique_ptr<core::Check>>& checks, const core::Config& config)
{
  if (std::none_of(checks.begin(), checks.end(),
                   [](const auto& check) { return check->spec().kind == "trust-root"; })) {
    checks.insert(checks.begin(), builtin_check(config, "trust-root"));
  }
}

} // namespace tollgate::cli
