// `changelog`: previews the next release of the candidate (Context::revision): version, bump and
// the previous release go into the details (the policy input's `version`). "Nothing to release"
// passes unless `require_release: true`.

#include "changelog/plan.hpp"
#include "checks/registry.hpp"

#include <fmt/format.h>

#include <chrono>

namespace tollgate::checks {

namespace {

class ChangelogCheck : public checks::Check {
public:
  ChangelogCheck(const core::CheckSpec& spec, const std::string& file) : Check(spec)
  {
    core::YamlMap map = core::check_options(spec, file);
    m_require_release = map.boolean("require_release").value_or(false);
    map.finish();
  }

  checks::CheckResult run(const checks::Context& context) override
  {
    const auto start = std::chrono::steady_clock::now();
    checks::CheckResult result = evaluate(context);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }

private:
  checks::CheckResult evaluate(const checks::Context& context) const
  {
    checks::CheckResult result;
    auto repo = git::Repository::open(context.git_dir);
    if (!repo) {
      result.status = checks::Status::error;
      result.summary = repo.error().message;
      return result;
    }
    changelog::PlanOptions options;
    options.tag_prefix = context.config->release.tag_prefix;
    options.candidate = context.revision;
    options.templates_root = context.root;
    auto plan = changelog::plan_release(*repo, context.config->changelog, options);
    if (!plan) {
      result.status = checks::Status::error;
      result.summary = plan.error().message;
      return result;
    }
    const std::string since = plan->previous_tag.empty() ? "the first commit" : plan->previous_tag;
    result.details["previous"] = plan->previous ? nlohmann::json(plan->previous->str()) : nlohmann::json();
    result.details["bump"] = std::string(changelog::to_string(plan->bump));
    result.details["entries"] = plan->grouping.listed;
    if (plan->nothing_to_release) {
      result.details["next"] = nullptr;
      result.status = m_require_release ? checks::Status::fail : checks::Status::pass;
      result.summary = fmt::format("nothing to release since {}", since);
      return result;
    }
    result.details["next"] = plan->next.str();
    result.details["tag"] = plan->tag;
    result.status = checks::Status::pass;
    result.summary = fmt::format("next {} ({} since {}, {} entr{})", plan->next.str(), changelog::to_string(plan->bump),
                                 since, plan->grouping.listed, plan->grouping.listed == 1 ? "y" : "ies");
    return result;
  }

  bool m_require_release = false;
};

} // namespace

std::unique_ptr<checks::Check> make_changelog(const core::CheckSpec& spec, const std::string& file)
{
  return std::make_unique<ChangelogCheck>(spec, file);
}

} // namespace tollgate::checks
