#pragma once
// The limits in force (DESIGN.md §7.3): the configured limits (after the floor) tightened by the
// SANDBOX_CPU_SEC / SANDBOX_MEM_MB values the `sandbox-limits` checks accept, read from the
// candidate commit's blobs, within the bounds those checks carry (the trust root's, after the floor).
// Computed once, before any check runs; invalid values leave the configured limits (the check fails).

#include "core/config/config.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "proc/sandbox.hpp"

#include <string>

namespace tollgate::core {

// `configured` tightened by each `sandbox-limits` check of `config` that passes on `commit`.
proc::Limits limits_in_force(const Config& config, proc::Limits configured, const git::Repository& repo,
                             const git::Oid& commit);

// "confine=on backend=bwrap cpu=600s mem=4096MiB net=none procs=512": the promotion record's `Sandbox:`.
std::string describe_limits(const proc::Limits& limits, const std::string& backend);

} // namespace tollgate::core
