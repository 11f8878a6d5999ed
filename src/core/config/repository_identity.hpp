#pragma once
// The repository identity approvals are bound to (DESIGN.md §4): the forms of one repository's URL
// reduced to one string, so that `https://github.com/acme/proj`, `git@github.com:acme/proj.git`,
// `ssh://git@github.com:22/acme/proj` and `github.com/acme/proj` compare equal.

#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace tollgate::core {

// Strict: `host/path` with the host lower-cased and no scheme, user, password, default port (22, 80,
// 443, 9418), `.git` or slashes at either end; a local repository (an absolute path or a file://
// URL) is its absolute path without `.git`. An error (one line, without a location) for an empty
// value, blanks inside, a host without a path, or a bare name that is neither a URL nor host/path.
Result<std::string> repository_identity(std::string_view text);

// Lenient, for values read from outside the configuration (an approval's message, the origin
// URL): the identity when `text` parses, else `text` trimmed, which then matches nothing that does.
std::string normalise_repository(std::string_view text);

} // namespace tollgate::core
