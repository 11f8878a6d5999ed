// `sandbox-limits`: the sandbox limits the deployment sets (SANDBOX_CPU_SEC, SANDBOX_MEM_MB in a
// dotenv file or a YAML manifest) are present, positive integers within bounds, and agree
// between files. Its details are the policy input's `sandbox` object (DESIGN.md §6).

#include "checks/sandbox_limits.hpp"
#include "checks/env_sources.hpp"
#include "checks/registry.hpp"
#include "core/config/sandbox_limits_options.hpp"
#include "git/objects.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

namespace tollgate::checks {

namespace {

namespace fs = std::filesystem;

// Where one value of a variable was found.
struct Found {
  std::string file;
  Assignment assignment;
  std::string place() const { return fmt::format("{}:{}", file, assignment.line); }
};

class SandboxLimits final : public checks::Check {
public:
  SandboxLimits(const core::CheckSpec& spec, const std::string& file)
      : checks::Check(spec), m_options(core::read_sandbox_limits_options(spec, file))
  {
  }

  checks::CheckResult run(const checks::Context& context) override;
  // The check's verdict and details over the files `read` returns (no timing).
  checks::CheckResult evaluate(const FileReader& read) const;

private:
  core::SandboxLimitsOptions m_options;
};

// `value` for a one-line message: control characters escaped, long values cut.
std::string printable(std::string_view value)
{
  return util::shorten_utf8(util::printable(value), 40);
}

// The value as a number when it is only decimal digits; nullopt otherwise. Too large to matter → max.
std::optional<long long> parse_decimal(std::string_view value)
{
  if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  long long number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error == std::errc::result_out_of_range) {
    return std::numeric_limits<long long>::max();
  }
  if (error != std::errc() || end != value.data() + value.size()) {
    return std::nullopt;
  }
  return number;
}

// The work tree's files (`tollgate check` on a dirty tree).
FileReader work_tree_reader(const fs::path& root)
{
  return [root](const std::string& relative) -> Result<std::optional<std::string>> {
    const fs::path path = root / relative;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return std::optional<std::string>();
    }
    if (fs::is_directory(path, ec)) {
      return fail(fmt::format("{} is a directory, not a file", relative));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    if (in) {
      content << in.rdbuf();
    }
    if (!in || in.bad()) {
      return fail(fmt::format("{}: cannot be read", relative));
    }
    return std::optional<std::string>(content.str());
  };
}

// Checks every value of `limit`; appends problems; returns the valid values (first of each distinct one).
std::vector<std::pair<long long, const Found*>> judge(const core::SandboxLimit& limit, const std::vector<Found>& found,
                                                      std::vector<std::string>& problems)
{
  std::vector<std::pair<long long, const Found*>> distinct;
  for (const auto& item : found) {
    const Assignment& a = item.assignment;
    if (!a.literal) {
      problems.push_back(fmt::format("{} at {} has no value written in the file (valueFrom or the shell "
                                     "environment), so it cannot be checked",
                                     limit.name, item.place()));
      continue;
    }
    const auto number = parse_decimal(a.value);
    if (!number) {
      problems.push_back(a.value.empty() ? fmt::format("{} at {} is empty", limit.name, item.place())
                                         : fmt::format("{} at {} is `{}`, not a positive integer (decimal digits only)",
                                                       limit.name, item.place(), printable(a.value)));
      continue;
    }
    if (*number < limit.min) {
      problems.push_back(
          fmt::format("{}={} at {} is below the minimum of {}", limit.name, *number, item.place(), limit.min));
      continue;
    }
    if (*number > limit.max) {
      problems.push_back(fmt::format("{}={} at {} exceeds the maximum of {}", limit.name, printable(a.value),
                                     item.place(), limit.max));
      continue;
    }
    const bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const auto& d) { return d.first == *number; });
    if (!seen) {
      distinct.emplace_back(*number, &item);
    }
  }
  if (distinct.size() > 1) {
    std::vector<std::string> sayings;
    for (const auto& [number, item] : distinct) {
      sayings.push_back(fmt::format("{} says {}", item->place(), number));
    }
    problems.push_back(fmt::format("{} conflicts: {}", limit.name, fmt::join(sayings, ", ")));
  }
  return distinct;
}

std::string join_or(const std::vector<std::string>& names)
{
  if (names.size() <= 1) {
    return names.empty() ? std::string() : names.front();
  }
  return fmt::format("{} or {}", fmt::join(names.begin(), names.end() - 1, ", "), names.back());
}

checks::CheckResult SandboxLimits::run(const checks::Context& context)
{
  const auto start = std::chrono::steady_clock::now();
  checks::CheckResult result;
  if (context.snapshot) {
    // The candidate's files are the commit's blobs: what is checked is what is tagged.
    auto opened = checks::open_candidate(context);
    if (!opened) {
      result.status = checks::Status::error;
      result.summary = opened.error().message;
      return result;
    }
    result = evaluate(commit_reader(opened->repo, opened->commit));
  } else {
    result = evaluate(work_tree_reader(context.root));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

checks::CheckResult SandboxLimits::evaluate(const FileReader& read) const
{
  checks::CheckResult result;
  std::vector<std::string> problems;
  std::vector<std::string> present;
  std::vector<std::string> missing;
  std::map<std::string, std::vector<Found>> found; // by variable name

  for (const auto& source : m_options.sources) {
    auto text = read(source.path);
    if (text && !*text) {
      missing.push_back(source.path);
      continue;
    }
    present.push_back(source.path);
    if (!text) {
      problems.push_back(text.error().message);
      continue;
    }
    auto assignments = source.format == core::SandboxSource::Format::dotenv
                           ? parse_dotenv(**text, source.path)
                           : parse_manifest(**text, source.path, core::sandbox_variables());
    if (!assignments) {
      problems.push_back(assignments.error().message);
      continue;
    }
    std::map<std::string, Assignment> last; // dotenv: the last assignment of a key wins
    for (auto& assignment : *assignments) {
      const auto& names = core::sandbox_variables();
      if (std::find(names.begin(), names.end(), assignment.key) == names.end()) {
        continue;
      }
      if (source.format == core::SandboxSource::Format::dotenv) {
        last.insert_or_assign(assignment.key, std::move(assignment));
      } else {
        found[assignment.key].push_back(Found{source.path, std::move(assignment)});
      }
    }
    for (auto& [key, assignment] : last) {
      found[key].push_back(Found{source.path, std::move(assignment)});
    }
  }

  std::vector<std::string> values; // "SANDBOX_CPU_SEC=30 (.env:3)"
  if (present.empty()) {
    std::vector<std::string> names;
    for (const auto& source : m_options.sources) {
      names.push_back(source.path);
    }
    problems.push_back(m_options.sources.size() == 1 ? fmt::format("{} does not exist", names.front())
                                                     : fmt::format("none of {} exists", fmt::join(names, ", ")));
  } else {
    for (const auto& limit : m_options.limits) {
      const auto it = found.find(limit.name);
      if (it == found.end()) {
        if (limit.required) {
          problems.push_back(fmt::format("{} is not set in {}", limit.name, join_or(present)));
        }
        continue;
      }
      const auto distinct = judge(limit, it->second, problems);
      if (distinct.empty()) {
        continue;
      }
      std::vector<std::string> places;
      for (const auto& item : it->second) {
        if (parse_decimal(item.assignment.value) == distinct.front().first && item.assignment.literal) {
          places.push_back(item.place());
        }
      }
      values.push_back(fmt::format("{}={} ({})", limit.name, distinct.front().first, fmt::join(places, ", ")));
      result.details[limit.name] = distinct.front().first;
      if (!result.details.contains("source")) {
        result.details["source"] = distinct.front().second->file;
      }
    }
  }

  result.details["problems"] = problems;
  result.details["missing_sources"] = missing;
  if (!problems.empty()) {
    result.status = checks::Status::fail;
    result.summary = problems.front();
    if (problems.size() > 1) {
      result.summary += fmt::format(" (+{} more)", problems.size() - 1);
    }
  } else {
    result.status = checks::Status::pass;
    result.summary =
        values.empty() ? "no sandbox limits set (none required)" : fmt::format("{}", fmt::join(values, ", "));
    if (!missing.empty()) {
      result.summary += fmt::format("; not found: {}", fmt::join(missing, ", "));
    }
  }
  return result;
}

} // namespace

FileReader commit_reader(const git::Repository& repo, const git::Oid& commit)
{
  return [&repo, commit](const std::string& path) { return git::read_file_at(repo, commit, path); };
}

SandboxValues sandbox_values(const core::CheckSpec& spec, const FileReader& read)
{
  const SandboxLimits check(spec, core::k_config_file);
  const checks::CheckResult result = check.evaluate(read);
  SandboxValues values;
  values.valid = result.status == checks::Status::pass;
  for (const auto& name : core::sandbox_variables()) {
    if (result.details.contains(name)) {
      values.values[name] = result.details[name].get<long long>();
    }
  }
  values.source = result.details.value("source", "");
  return values;
}

std::unique_ptr<checks::Check> make_sandbox_limits(const core::CheckSpec& spec, const std::string& file)
{
  return std::make_unique<SandboxLimits>(spec, file);
}

} // namespace tollgate::checks
