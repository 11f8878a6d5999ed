#pragma once
// Which limit ended a command, from the supervisor's report. Internal to src/proc.

#include "proc/sandbox.hpp"
#include "proc/supervisor.hpp"

#include <string>

namespace tollgate::proc::detail {

// The outcome of a command that started; `output_path` (empty: none) is its log, whose tail is
// searched for allocation failures when a memory limit was set.
Outcome interpret(const Report& report, const Limits& limits, Backend backend, const std::string& output_path);

// "SIGKILL", or "signal 42" for a number without a name.
std::string signal_name(int sig);

} // namespace tollgate::proc::detail
