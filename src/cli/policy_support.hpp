#pragma once
// What `tollgate policy eval` and `policy test` share: loading policy paths and reporting Rego
// errors (every one of them, each with its location).

#include "rego/engine.hpp"

#include <string>
#include <vector>

namespace tollgate::cli {

// Loads every path (default `policies`), reporting every file's errors together, then compiles.
// With `tests`, a test name defined again in a package runs on its own as `test_x#01`.
rego::RegoResult<void> load_policies(rego::Engine& engine, const std::vector<std::string>& paths, bool bundle,
                                     bool tests);

// Every error of `error` on stderr as `opa` prints them (`N errors occurred:`), or the JSON
// `{"errors": [...]}` document on stdout.
void print_rego_errors(const rego::RegoError& error, bool json);

} // namespace tollgate::cli
