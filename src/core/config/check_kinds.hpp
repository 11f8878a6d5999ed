#pragma once
// The check kinds `tollgate.yaml` may name, and how each validates its options at load time (so
// every mistake surfaces with `file:line:col`). config/ sits below checks/ and never includes them:
// checks/ hands its table over once at start-up (`checks::install_kinds()`, called by main, the
// tests' main and the fuzzers), and the loader asks this interface.

#include "core/config/config.hpp"
#include "core/config/yaml_reader.hpp"

#include <functional>
#include <string>
#include <vector>

namespace tollgate::core {

struct CheckKinds {
  std::vector<std::string> names; // in the order `init` and the completions list them
  // Validates a check's options; throws ConfigError naming `file:line:col`.
  std::function<void(const CheckSpec& spec, const std::string& file)> validate;
};

void install_check_kinds(CheckKinds kinds);

// The installed kinds; throws std::logic_error (a programming error) when none were installed.
const CheckKinds& check_kinds();

// Their names.
const std::vector<std::string>& known_check_kinds();

// A strict reader over a check's options with the keys every check accepts (`id`, `timeout`,
// `when_exists`) already allowed.
YamlMap check_options(const CheckSpec& spec, const std::string& file);

} // namespace tollgate::core
