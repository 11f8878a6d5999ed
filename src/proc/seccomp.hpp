#pragma once
// The seccomp filter of a confined command (DESIGN.md §7.2): what namespaces do not cover. Built
// once per process with libseccomp, before any fork; internal to src/proc.

#include "util/expected.hpp"

#include <linux/filter.h>

#include <vector>

namespace tollgate::proc::detail {

// The BPF program, built on first use and kept for the process lifetime (an error value when
// libseccomp cannot build it).
const Result<std::vector<sock_filter>>& seccomp_filter();

// `program` in a memory file descriptor bwrap can read (`--seccomp FD`), or -1.
int seccomp_memfd(const std::vector<sock_filter>& program);

} // namespace tollgate::proc::detail
