// `policies`: evaluates the `deny` and `warn` rules of every package under the policy folder
// (conftest's convention, DESIGN.md §6) against the policy input; any deny message fails the
// check. Runs after the checks declared before it, whose results are part of the input.
// The policies are read from the trust root (the `stable` release; the candidate only before the
// first one), like MAINTAINERS.yaml: a change cannot weaken the rules that judge it. Policies being
// written are tried with `tollgate policy eval|test`, which read the work tree.

#include "checks/command_support.hpp"
#include "checks/policy_input.hpp"
#include "checks/registry.hpp"
#include "core/trust/trust_root.hpp"
#include "git/objects.hpp"
#include "rego/engine.hpp"

#include <fmt/format.h>

#include <fstream>
#include <set>

namespace tollgate::checks {

namespace {

// `data["a"]["b"]["deny"]`: safe for any package name.
std::string rule_query(const std::vector<std::string>& package, const std::string& rule)
{
  std::string query = "data";
  for (const auto& part : package) {
    query += "[" + nlohmann::json(part).dump() + "]";
  }
  return query + "[" + nlohmann::json(rule).dump() + "]";
}

std::string message_text(const rego::Value& v)
{
  return v.is_string() ? v.as_string() : rego::to_text(v);
}

class PoliciesCheck : public checks::Check {
public:
  PoliciesCheck(core::CheckSpec spec, std::string dir) : Check(std::move(spec)), m_dir(std::move(dir)) {}

  // The input includes the results of the checks before this one: wait for them.
  bool concurrent() const override { return false; }

  checks::CheckResult run(const checks::Context& context) override
  {
    checks::CheckResult result;
    const auto error = [&](std::string message) {
      result.status = checks::Status::error;
      result.summary = std::move(message);
      return result;
    };
    auto opened = checks::open_candidate(context);
    if (!opened) {
      return error(opened.error().message);
    }
    auto root = core::trust_root_commit(opened->repo, *context.config, opened->commit);
    if (!root) {
      return error(root.error().message);
    }
    auto files = git::read_tree_at(opened->repo, root->commit, m_dir);
    if (!files) {
      return error(files.error().message);
    }
    if (files->empty()) {
      result.status = checks::Status::fail;
      result.summary = fmt::format("{}/ holds no policies at {}", m_dir, root->source);
      return result;
    }
    rego::Engine engine;
    for (const auto& [path, content] : *files) {
      const std::string file = m_dir + "/" + path;
      rego::RegoResult<void> added;
      if (path.ends_with(".rego")) {
        added = engine.add_module(file, content);
      } else if (path.ends_with(".json")) {
        const auto json = nlohmann::json::parse(content, nullptr, false);
        if (json.is_discarded() || !json.is_object()) {
          return error(fmt::format("{}: not a JSON object", file));
        }
        std::vector<std::string> data_path;
        const std::filesystem::path parent = std::filesystem::path(path).parent_path();
        for (const auto& part : parent) {
          data_path.push_back(part.string());
        }
        added = engine.add_data(rego::from_json(json), data_path);
      }
      if (!added) {
        return error(added.error().str());
      }
    }
    if (auto compiled = engine.compile(); !compiled) {
      return error(compiled.error().str());
    }
    auto input = checks::build_policy_input(context);
    if (!input) {
      result.status = checks::Status::error;
      result.summary = "cannot build the policy input: " + input.error().message;
      return result;
    }
    rego::EvalOptions options;
    options.input = rego::from_json(*input);
    std::string printed; // `print` output goes to the check's log, not the terminal
    options.print = [&printed](std::string_view line) {
      printed += "print: ";
      printed += line;
      printed += '\n';
    };

    const auto packages = engine.packages();
    nlohmann::json deny = nlohmann::json::array();
    nlohmann::json warn = nlohmann::json::array();
    std::string lines;
    for (const auto& package : packages) {
      const std::string name = fmt::format("{}", fmt::join(package, "."));
      for (const char* rule : {"deny", "warn"}) {
        auto path = package;
        path.emplace_back(rule);
        if (!engine.defines(path)) {
          continue;
        }
        auto rows = engine.eval(rule_query(package, rule), options);
        if (!rows) {
          return error(rows.error().str());
        }
        if (rows->empty()) {
          continue;
        }
        const rego::Value& value = rows->front().expressions.front();
        std::vector<rego::Value> messages;
        if (value.is_set() || value.is_array()) {
          messages = value.as_array();
        } else if (!value.is_false()) {
          messages.push_back(value);
        }
        for (const auto& message : messages) {
          const std::string text = message_text(message);
          const bool is_deny = std::string_view(rule) == "deny";
          (is_deny ? deny : warn).push_back({{"package", name}, {"message", text}});
          lines += fmt::format("{} {}: {}\n", rule, name, text);
          result.problems.push_back(fmt::format("{} ({}): {}", is_deny ? "denied" : "warning", name, text));
        }
      }
    }
    result.details = {
        {"dir", m_dir}, {"read_at", root->source}, {"packages", packages.size()}, {"deny", deny}, {"warn", warn}};
    result.status = deny.empty() ? checks::Status::pass : checks::Status::fail;
    if (!deny.empty()) {
      result.summary = fmt::format("{} denied: {}", deny.size(), deny.front()["message"].get<std::string>());
      if (deny.size() > 1) {
        result.summary += fmt::format(" (and {} more)", deny.size() - 1);
      }
    } else {
      result.summary = fmt::format("{} package{} allow", packages.size(), packages.size() == 1 ? "" : "s");
    }
    if (!warn.empty()) {
      result.summary += fmt::format("; {} warning{}: {}", warn.size(), warn.size() == 1 ? "" : "s",
                                    warn.front()["message"].get<std::string>());
      if (warn.size() > 1) {
        result.summary += fmt::format(" (and {} more)", warn.size() - 1);
      }
    }
    if (root->bootstrap) {
      result.summary += "; policies read from the candidate (no stable release yet)";
    }
    if (!context.log_dir.empty()) {
      result.log = context.log_dir / (id() + ".log");
      write_new_log(result.log, fmt::format("policies: {}/ at {}\ninput: {}\n", m_dir, root->source, input->dump(2)) +
                                    lines + printed);
    }
    return result;
  }

private:
  std::string m_dir;
};

} // namespace

std::unique_ptr<checks::Check> make_policies(const core::CheckSpec& spec, const std::string& file)
{
  core::YamlMap options = core::check_options(spec, file);
  std::string dir = options.string("dir").value_or("policies");
  if (dir.empty()) {
    core::config_error(spec.options["dir"], file, "`dir` must name a folder");
  }
  options.finish();
  return std::make_unique<PoliciesCheck>(spec, std::move(dir));
}

} // namespace tollgate::checks
