#pragma once
// What `promote`, `gate` and `attestations` share: the attestations of a candidate's tree judged
// against the trust root and the checks in force, and attested results standing in for checks
// (core/checklist/checks_in_force.hpp).

#include "core/checklist/checks_in_force.hpp"

namespace tollgate::cli {

using core::attestations_or_fatal;
using core::use_attestations;

} // namespace tollgate::cli
