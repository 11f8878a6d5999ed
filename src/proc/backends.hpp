#pragma once
// Network-isolation backends: which one works here (probed once per process) and how a command
// is wrapped for it. Internal to src/proc.

#include "proc/sandbox.hpp"

#include <string>
#include <vector>

namespace tollgate::proc::detail {

// A working backend and, for firejail and bwrap, the wrapper program that provides it.
struct Isolation {
  Backend backend = Backend::none;
  std::string wrapper; // absolute path of firejail / bwrap; empty otherwise
};

// resolve_backend() with the wrapper's path; cached for the process lifetime.
Result<Isolation> resolve_isolation(Backend requested);

// The argv prefix that runs a program under `isolation` (empty for none and unshare, which
// isolates in-process in the command child).
std::vector<std::string> wrapper_argv(const Isolation& isolation);

// Runs `command` under `isolation` without resolving anything (defined in sandbox.cpp; `run()`
// and the backend probe both go through it).
Result<Outcome> run_isolated(const Command& command, const Limits& limits, const Isolation& isolation,
                             const std::atomic<bool>* cancel);

} // namespace tollgate::proc::detail
