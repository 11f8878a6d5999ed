#pragma once
// What `opa eval` prints for a query's rows in its text formats (`--format pretty|raw|values|bindings`),
// as tollgate's `policy eval` prints them; JSON is engine.hpp's result_json.

#include "rego/engine.hpp"

#include <cstdio>
#include <string_view>
#include <vector>

namespace tollgate::rego {

// The rows on `out` as `format` (raw, values, bindings; anything else: pretty) shows them: pretty
// is `undefined` without a row, else per row the one value, the values or the bindings, indented JSON.
void print_rows(std::FILE* out, const std::vector<QueryRow>& rows, std::string_view format);

} // namespace tollgate::rego
