// `approvals`: the candidate carries enough valid maintainer approvals (DESIGN.md §4). The policy
// comes from the trust root at `stable`; this check's options can only tighten it. Its details are
// the approvals report; they feed the policy input's `approvals` list (DESIGN.md §6).

#include "core/trust/approvals.hpp"
#include "checks/command_support.hpp"
#include "checks/registry.hpp"
#include "core/trust/floor.hpp"
#include "git/objects.hpp"

#include <fmt/format.h>

#include <fstream>

namespace tollgate::checks {

namespace {

class ApprovalsCheck : public checks::Check {
public:
  ApprovalsCheck(core::CheckSpec spec, std::optional<int> required, std::optional<std::string> bind,
                 std::optional<bool> exclude_author)
      : Check(std::move(spec)), m_required(required), m_bind(std::move(bind)), m_exclude_author(exclude_author)
  {
  }

  checks::CheckResult run(const checks::Context& context) override
  {
    checks::CheckResult result;
    auto opened = checks::open_candidate(context);
    if (!opened) {
      return error_result(opened.error().message);
    }
    const git::Repository& repo = opened->repo;
    const git::Oid& candidate = opened->commit;
    auto root = core::load_trust_root(repo, *context.config, candidate);
    if (!root) {
      return error_result(root.error().message);
    }
    const core::ApprovalPolicy policy =
        core::tighten(core::tighter(root->approvals, context.config->approvals), m_required, m_bind, m_exclude_author);
    auto report = core::evaluate_approvals(repo, *root, candidate, policy);
    if (!report) {
      return error_result(report.error().message);
    }
    result.details = report->to_json();
    result.status = report->satisfied() ? checks::Status::pass : checks::Status::fail;
    std::vector<std::string> counted;
    std::string lines = fmt::format("candidate {}, trust root: {}\n", candidate.hex(), report->trust_source);
    for (const auto& approval : report->approvals) {
      const std::string who = approval.maintainer.empty() ? approval.ref : approval.maintainer;
      lines += fmt::format("{} {}: {}\n", approval.counts() ? "counts " : "refused", who, approval.reason);
      if (approval.counts()) {
        counted.push_back(approval.maintainer);
      } else {
        result.problems.push_back(fmt::format("approval by {} does not count: {}", who, approval.reason));
      }
    }
    lines += report->summary() + "\n";
    result.summary = report->summary();
    if (!counted.empty()) {
      result.summary += fmt::format(" ({})", fmt::join(counted, ", "));
    }
    if (const std::size_t refused = result.problems.size(); refused > 0) {
      result.summary += fmt::format("; {} not counted", refused);
    }
    if (root->bootstrap) {
      result.summary += "; trust root read from the candidate (no stable release yet)";
    }
    if (!context.log_dir.empty()) {
      result.log = context.log_dir / (id() + ".log");
      write_new_log(result.log, lines);
    }
    return result;
  }

private:
  std::optional<int> m_required;
  std::optional<std::string> m_bind;
  std::optional<bool> m_exclude_author;
};

} // namespace

std::unique_ptr<checks::Check> make_approvals(const core::CheckSpec& spec, const std::string& file)
{
  core::YamlMap options = core::check_options(spec, file);
  std::optional<int> required;
  if (auto value = options.integer("required", 1, 100)) {
    required = static_cast<int>(*value);
  }
  auto bind = options.string("bind");
  if (bind && *bind != "commit" && *bind != "tree") {
    core::config_error(spec.options["bind"], file, fmt::format("`bind` must be `commit` or `tree`, not `{}`", *bind));
  }
  auto exclude_author = options.boolean("exclude_author");
  options.finish();
  return std::make_unique<ApprovalsCheck>(spec, required, std::move(bind), exclude_author);
}

} // namespace tollgate::checks
