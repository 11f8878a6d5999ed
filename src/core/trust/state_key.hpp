#pragma once
// tollgate's per-user state (DESIGN.md §7.5): outside every repository, where no check can write,
// and a per-user key that authenticates what tollgate leaves where others could write (the crash
// journal in `.git`) or what it must not trust blindly (cached verdicts).

#include "util/expected.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace tollgate::core {

// `$XDG_CACHE_HOME/tollgate` (default `~/.cache/tollgate`), created 0700; refused when it is a
// symbolic link or not this user's directory.
Result<std::filesystem::path> user_state_dir();
// `user_state_dir()/<name>` (e.g. `keyrings`, `verified`), created 0700 under the same rules.
Result<std::filesystem::path> user_state_subdir(std::string_view name);

// The 32-byte key in `dir/hmac.key`, created (exclusively, mode 0600, from getrandom) on first use;
// when two processes race to create it, both use the winner's. Refused unless it is a regular
// file owned by this user with mode 0600.
Result<std::string> load_state_key(const std::filesystem::path& dir);
// load_state_key(user_state_dir()).
Result<std::string> state_key();

// HMAC-SHA256 (hex) of `data` under `key`, bound to `purpose` so that a MAC made for one kind of
// state never authenticates another.
std::string state_mac(std::string_view key, std::string_view purpose, std::string_view data);

} // namespace tollgate::core
