#include "checks/registry.hpp"

#include "core/config/check_kinds.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tollgate::checks {

namespace {

// One kind a line (clang-format would pack them).
// clang-format off
constexpr std::array k_kinds = {
    Kind{"command", &make_command},
    Kind{"pre-commit", &make_pre_commit},
    Kind{"pytest", &make_pytest},
    Kind{"sandbox-limits", &make_sandbox_limits},
    Kind{"trust-root", &make_trust_root},
    Kind{"approvals", &make_approvals},
    Kind{"changelog", &make_changelog},
    Kind{"policies", &make_policies},
};
// clang-format on

} // namespace

std::span<const Kind> kinds()
{
  return k_kinds;
}

void install_kinds()
{
  core::CheckKinds table;
  for (const auto& kind : k_kinds) {
    table.names.emplace_back(kind.name);
  }
  table.validate = [](const core::CheckSpec& spec, const std::string& file) { create(spec, file); };
  core::install_check_kinds(std::move(table));
}

std::unique_ptr<checks::Check> create(const core::CheckSpec& spec, const std::string& file)
{
  const auto* kind = std::find_if(k_kinds.begin(), k_kinds.end(), [&](const Kind& k) { return k.name == spec.kind; });
  if (kind == k_kinds.end()) {
    throw core::ConfigError(spec.location.str() + ": unknown check kind `" + spec.kind + "`");
  }
  return kind->create(spec, file);
}

} // namespace tollgate::checks
