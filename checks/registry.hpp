#pragma once
// The table of built-in check kinds: each entry names a kind and the factory that builds it from
// its `tollgate.yaml` entry (validating its options; ConfigError on mistakes).

#include "core/check.hpp"
#include "core/yaml_reader.hpp"

#include <memory>
#include <span>
#include <string_view>

namespace tollgate::checks {

struct Kind {
  std::string_view name;
  core::CheckFactory create;
};

std::span<const Kind> kinds();

// Builds the check for `spec`; throws core::ConfigError naming `file:line:col` for bad options.
std::unique_ptr<core::Check> create(const core::CheckSpec& spec, const std::string& file);

// A strict reader over a check's options with the keys every check accepts already allowed.
core::YamlMap options_of(const core::CheckSpec& spec, const std::string& file);

// Factories, one per file under checks/.
std::unique_ptr<core::Check> make_command(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<core::Check> make_pre_commit(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<core::Check> make_pytest(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<core::Check> make_sandbox_limits(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<core::Check> make_policies(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<core::Check> make_trust_root(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<core::Check> make_approvals(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<core::Check> make_changelog(const core::CheckSpec& spec, const std::string& file);

} // namespace tollgate::checks
