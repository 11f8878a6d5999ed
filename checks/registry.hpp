#pragma once
// The table of built-in check kinds: each entry names a kind and the factory that builds it from
// its `tollgate.yaml` entry (validating its options; ConfigError on mistakes).

#include "checks/check.hpp"
#include "core/config/check_kinds.hpp"

#include <memory>
#include <span>
#include <string_view>

namespace tollgate::checks {

struct Kind {
  std::string_view name;
  checks::CheckFactory create;
};

std::span<const Kind> kinds();

// Hands the kinds and their option validation to the configuration loader (core/config/check_kinds):
// called once at start-up, by main, the tests' main and the fuzzers.
void install_kinds();

// Builds the check for `spec`; throws core::ConfigError naming `file:line:col` for bad options.
std::unique_ptr<checks::Check> create(const core::CheckSpec& spec, const std::string& file);

// Factories, one per file under checks/.
std::unique_ptr<checks::Check> make_command(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<checks::Check> make_pre_commit(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<checks::Check> make_pytest(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<checks::Check> make_sandbox_limits(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<checks::Check> make_policies(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<checks::Check> make_trust_root(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<checks::Check> make_approvals(const core::CheckSpec& spec, const std::string& file);
std::unique_ptr<checks::Check> make_changelog(const core::CheckSpec& spec, const std::string& file);

} // namespace tollgate::checks
