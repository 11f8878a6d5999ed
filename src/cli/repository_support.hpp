#pragma once
// What approve, approvals and gate share: the repository, the candidate, the trust root; each
// failure is a Fatal with the contract's exit code (core/trust/require.hpp,
// core/checklist/checks_in_force.hpp).

#include "core/checklist/checks_in_force.hpp"
#include "core/trust/require.hpp"

namespace tollgate::cli {

using core::floor_lines;
using core::floor_or_fatal;
using core::open_repository;
using core::require_full_history;
using core::require_maintainer_key;
using core::resolve_revision;
using core::signing_context;
using core::trust_root_or_fatal;

} // namespace tollgate::cli
