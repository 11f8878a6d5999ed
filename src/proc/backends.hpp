#pragma once
// Network-isolation backends: which one works here (probed once per process) and how a command
// is wrapped for it. Internal to src/proc.

#include "proc/confine.hpp"
#include "proc/sandbox.hpp"

#include <string>
#include <vector>

namespace tollgate::proc::detail {

// A working backend and, for firejail and bwrap, the wrapper program that provides it.
struct Isolation {
  Backend backend = Backend::none;
  std::string wrapper;  // absolute path of firejail / bwrap; empty otherwise
  bool confine = false; // the whole confinement of §7, not only the network
};

// resolve_backend() with the wrapper's path; cached for the process lifetime.
Result<Isolation> resolve_isolation(Backend requested, bool confine);

// For a wrapper that mounts as the command's identity (bwrap, which tollgate starts as
// `plan.outside_uid` when it is root): the first directory above a bind or a mask that identity
// may not search by its mode bits, as "`/path` (mode 0700, uid 0)"; empty when it can reach every
// one. bwrap would fail on it inside the sandbox, and that would read as the check failing.
std::string unreachable_by_identity(const ConfinePlan& plan);

// The argv prefix that runs a program under `isolation` (empty for none and namespaces, which
// confine in-process); confined, it carries `plan`'s mounts and `command`'s working directory.
std::vector<std::string> wrapper_argv(const Isolation& isolation, const ConfinePlan& plan, const Command& command,
                                      const Limits& limits);

// Runs `command` under `isolation` without resolving anything (defined in sandbox.cpp; `run()`
// and the backend probe both go through it).
Result<Outcome> run_isolated(const Command& command, const Limits& limits, const Isolation& isolation,
                             const std::atomic<bool>* cancel);

} // namespace tollgate::proc::detail
