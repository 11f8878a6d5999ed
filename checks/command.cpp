// `command`: any configured command line (`run:`), optionally only `when_exists: PATH`.
// A simple command line is executed directly; one that needs a shell runs under `/bin/sh -c`.

#include "checks/command_support.hpp"
#include "checks/registry.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace tollgate::checks {

namespace {

class CommandCheck final : public checks::Check {
public:
  CommandCheck(core::CheckSpec spec, std::vector<std::string> argv, bool concurrent,
               std::vector<std::pair<std::string, std::string>> env)
      : Check(std::move(spec)), m_argv(std::move(argv)), m_concurrent(concurrent), m_env(std::move(env))
  {
  }

  bool concurrent() const override { return m_concurrent; }

  checks::CheckResult run(const checks::Context& context) override
  {
    auto run = run_sandboxed(context, m_spec, m_argv, m_env);
    if (!run) {
      return start_error(context, m_spec, run.error());
    }
    checks::CheckResult result = result_of(context, m_spec, *run);
    if (result.status != checks::Status::pass) {
      const std::string last = last_line(run->output);
      if (!last.empty()) {
        result.summary += ": " + last;
      }
    }
    result.details["command"] = m_argv;
    result.details["exit_code"] = run->outcome.exit_code;
    return result;
  }

private:
  std::vector<std::string> m_argv;
  bool m_concurrent;
  std::vector<std::pair<std::string, std::string>> m_env;
};

} // namespace

std::unique_ptr<checks::Check> make_command(const core::CheckSpec& spec, const std::string& file)
{
  auto options = core::check_options(spec, file);
  std::vector<std::string> argv;
  const auto run_node = options.node("run");
  if (!run_node || run_node->IsNull()) {
    // Point at the check itself: `- command` alone has no options node to point at.
    throw core::ConfigError(
        fmt::format("{}: check `{}` needs `run:` (the command line to run)", spec.location.str(), spec.id));
  }
  if (run_node->IsScalar()) {
    const std::string& line = run_node->Scalar();
    if (util::trim(line).empty()) {
      core::config_error(*run_node, file, "`run` must not be empty");
    }
    if (auto words = util::split_simple_command(line)) {
      argv = std::move(*words);
    } else {
      argv = {"/bin/sh", "-c", line};
    }
  } else if (run_node->IsSequence() && run_node->size() > 0) {
    for (const auto& word : *run_node) {
      if (!word.IsScalar()) {
        core::config_error(word, file, "`run` as a list must hold strings (the argv)");
      }
      argv.push_back(word.Scalar());
    }
  } else {
    core::config_error(*run_node, file, "`run` must be a command line or a non-empty list of arguments");
  }
  const bool concurrent = options.boolean("concurrent").value_or(true);
  std::vector<std::pair<std::string, std::string>> env;
  if (auto env_node = options.node("env")) {
    core::YamlMap env_map(*env_node, file, "`env`");
    if (env_node->IsMap()) {
      for (const auto& entry : *env_node) {
        const std::string name = entry.first.Scalar();
        if (name.empty() || name.find('=') != std::string::npos) {
          core::config_error(entry.first, file, fmt::format("`{}` is not a valid environment variable name", name));
        }
        env.emplace_back(name, env_map.string(name).value_or(""));
      }
    }
    env_map.finish();
  }
  options.finish();
  return std::make_unique<CommandCheck>(spec, std::move(argv), concurrent, std::move(env));
}

} // namespace tollgate::checks
