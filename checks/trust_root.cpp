// `trust-root`: the candidate's tollgate.yaml, MAINTAINERS.yaml and .tollgate/keys/ would make a
// usable trust root once promoted (core/trust_root_validation.hpp). Built in: `gate` runs it first
// when tollgate.yaml does not list it, and so does `check` once there is a maintainers file (in
// the tree checked or at the stable release), so a change that would brick promotion fails in its
// pull request, not at release time. Reads the commit under judgment (`check REV`, `gate`),
// or the work tree for `check` in place; in-process, no command runs.

#include "checks/command_support.hpp"
#include "checks/registry.hpp"
#include "core/trust/trust_root_validation.hpp"
#include "git/refs.hpp"
#include "openpgp/verify.hpp"

#include <fmt/format.h>

#include <ctime>

namespace tollgate::checks {

namespace {

class TrustRootCheck : public checks::Check {
public:
  using Check::Check;

  checks::CheckResult run(const checks::Context& context) override
  {
    checks::CheckResult result;
    auto opened = checks::open_candidate(context);
    if (!opened) {
      return error_result(opened.error().message);
    }
    auto files = context.snapshot ? core::trust_root_files_at(opened->repo, opened->commit, *context.config)
                                  : core::trust_root_files_in(context.root, *context.config);
    if (!files) {
      return error_result(files.error().message);
    }
    // A repository not set up for promotion yet (no trust root, no release) has nothing to validate;
    // once it has releases, a missing MAINTAINERS.yaml is a failure like any other.
    if (!files->maintainers_text && files->refused.empty()) {
      auto stable = git::read_ref(opened->repo, "refs/tags/" + context.config->release.stable_tag);
      if (stable && !*stable) {
        result.status = checks::Status::skipped;
        result.summary = fmt::format("no {} and no release yet: nothing to validate (`tollgate init` writes one)",
                                     files->maintainers_path);
        return result;
      }
    }
    if (auto usable = openpgp::available(); !usable) { // the keys cannot be read here: not their fault
      return error_result(usable.error().message);
    }
    const core::TrustRootSummary summary = core::validate_trust_root(*files, std::time(nullptr));
    result.problems = summary.problems;
    result.details = {{"maintainers", summary.maintainers},
                      {"can_approve", summary.can_approve},
                      {"required", summary.required},
                      {"problems", summary.problems}};
    std::string lines =
        fmt::format("trust root in {}: {} maintainer{}, {} can approve, {} required\n", files->origin,
                    summary.maintainers, summary.maintainers == 1 ? "" : "s", summary.can_approve, summary.required);
    for (const auto& problem : summary.problems) {
      lines += problem + "\n";
    }
    if (summary.ok()) {
      result.status = checks::Status::pass;
      result.summary = fmt::format("{} of {} maintainers can approve ({} required)", summary.can_approve,
                                   summary.maintainers, summary.required);
      if (summary.exclude_author && summary.can_approve == summary.required) {
        result.summary += "; a commit by a maintainer can never be promoted (exclude_author needs required + 1)";
      }
    } else {
      result.status = checks::Status::fail;
      result.summary = summary.problems.front();
      if (summary.problems.size() > 1) {
        result.summary += fmt::format(" (and {} more)", summary.problems.size() - 1);
      }
    }
    if (!context.log_dir.empty()) {
      result.log = context.log_dir / (id() + ".log");
      write_new_log(result.log, lines);
    }
    return result;
  }
};

} // namespace

std::unique_ptr<checks::Check> make_trust_root(const core::CheckSpec& spec, const std::string& file)
{
  core::YamlMap options = core::check_options(spec, file);
  options.finish();
  return std::make_unique<TrustRootCheck>(spec);
}

} // namespace tollgate::checks
