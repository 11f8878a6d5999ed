#pragma once
// The policy input document (DESIGN.md §6, a contract): what the policies see, built from the
// repository (candidate, base, changed files, commits since `stable`) and from what the checks
// that ran before know (approvals, sandbox limits, results). `version` comes with the
// promotion work and is absent until then.

#include "checks/check.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

namespace tollgate::checks {

// `{"type", "scope", "breaking", "subject"}` of a Conventional Commits message; type "" when the
// message does not follow the convention.
nlohmann::json conventional_commit(const std::string& message);

// Builds the input for the candidate `context.revision` of the repository at `context.root`.
Result<nlohmann::json> build_policy_input(const Context& context);

} // namespace tollgate::checks
