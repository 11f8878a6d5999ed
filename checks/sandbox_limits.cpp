// `sandbox-limits`: the sandbox limits the deployment sets (SANDBOX_CPU_SEC, SANDBOX_MEM_MB in a
// dotenv file or a YAML manifest) are present, positive integers within bounds, and agree
// between files. Its details are the policy input's `sandbox` object (DESIGN.md §6).

#include "checks/sandbox_limits.hpp"
#include "checks/env_sources.hpp"
#include "checks/registry.hpp"
#include "core/yaml_reader.hpp"
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

// Values beyond this are certainly mistakes (about 35 000 years of CPU, or an exabyte).
constexpr long long k_max_bound = 1'000'000'000'000LL;

struct Variable {
  std::string name;
  long long default_max;
};

const std::vector<Variable>& known_variables()
{
  static const std::vector<Variable> k_variables = {{"SANDBOX_CPU_SEC", 3600}, {"SANDBOX_MEM_MB", 65536}};
  return k_variables;
}

const std::vector<std::string>& known_names()
{
  static const std::vector<std::string> k_names = [] {
    std::vector<std::string> names;
    for (const auto& variable : known_variables()) {
      names.push_back(variable.name);
    }
    return names;
  }();
  return k_names;
}

enum class Format { dotenv, manifest };

struct Source {
  std::string path; // relative to the repository root, as written
  Format format = Format::dotenv;
};

struct Limit {
  std::string name;
  long long min = 1;
  long long max = 0;
  bool required = true;
};

// Where one value of a variable was found.
struct Found {
  std::string file;
  Assignment assignment;
  std::string place() const { return fmt::format("{}:{}", file, assignment.line); }
};

Format format_of(const std::string& path)
{
  const std::string extension = fs::path(path).extension().string();
  return extension == ".yaml" || extension == ".yml" ? Format::manifest : Format::dotenv;
}

std::string known_list()
{
  return fmt::format("{}", fmt::join(known_names(), ", "));
}

void require_known(const YAML::Node& node, const std::string& file, const std::string& name)
{
  const auto& names = known_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    const std::string hint = util::did_you_mean(name, names);
    core::config_error(
        node, file,
        fmt::format("unknown variable `{}`{}", name, hint.empty() ? " (known: " + known_list() + ")" : hint));
  }
}

void check_path(const YAML::Node& node, const std::string& file, const std::string& path)
{
  if (path.empty()) {
    core::config_error(node, file, "a `sources` path must not be empty");
  }
  if (fs::path(path).is_absolute()) {
    core::config_error(node, file, fmt::format("`{}` must be relative to the repository root", path));
  }
}

Source read_source(const YAML::Node& item, const std::string& file)
{
  Source source;
  if (item.IsScalar()) {
    source.path = item.Scalar();
    source.format = format_of(source.path);
    check_path(item, file, source.path);
  } else if (item.IsMap()) {
    core::YamlMap map(item, file, "a `sources` entry");
    if (!map.has("path")) {
      core::config_error(item, file, "a `sources` entry needs `path`");
    }
    source.path = map.string("path").value_or("");
    check_path(*map.node("path"), file, source.path);
    source.format = format_of(source.path);
    if (auto format = map.string("format")) {
      if (*format == "dotenv") {
        source.format = Format::dotenv;
      } else if (*format == "manifest") {
        source.format = Format::manifest;
      } else {
        core::config_error(*map.node("format"), file,
                           fmt::format("`format` must be `dotenv` or `manifest`, not `{}`", *format));
      }
    }
    map.finish();
  } else {
    core::config_error(item, file, "each `sources` entry is a path, or `{path: ..., format: dotenv|manifest}`");
  }
  return source;
}

class SandboxLimits final : public core::Check {
public:
  SandboxLimits(const core::CheckSpec& spec, const std::string& file) : core::Check(spec)
  {
    for (const auto& variable : known_variables()) {
      m_limits.push_back(Limit{variable.name, 1, variable.default_max, true});
    }
    m_sources = {Source{".env", Format::dotenv}, Source{"deploy/manifest.yaml", Format::manifest}};

    core::YamlMap options = options_of(spec, file);
    for (const char* key : {"sources", "max", "min", "required"}) {
      options.allow(key);
    }
    options.finish();
    if (auto sources = options.node("sources")) {
      read_sources(*sources, file);
    }
    if (auto max = options.node("max")) {
      read_bounds(*max, file, "max");
    }
    if (auto min = options.node("min")) {
      if (min->IsScalar()) {
        const long long value = *options.integer("min", 1, k_max_bound);
        for (auto& limit : m_limits) {
          limit.min = value;
        }
      } else {
        read_bounds(*min, file, "min");
      }
    }
    if (auto required = options.node("required")) {
      read_required(*required, file);
    }
    for (const auto& limit : m_limits) {
      if (limit.min > limit.max) {
        const YAML::Node at = options.node("min").value_or(spec.options);
        core::config_error(
            at, file,
            fmt::format("the minimum of {} ({}) is above its maximum ({})", limit.name, limit.min, limit.max));
      }
    }
  }

  core::CheckResult run(const core::Context& context) override;
  // The check's verdict and details over the files `read` returns (no timing).
  core::CheckResult evaluate(const FileReader& read) const;
  std::map<std::string, long long> bounds() const
  {
    std::map<std::string, long long> max;
    for (const auto& limit : m_limits) {
      max[limit.name] = limit.max;
    }
    return max;
  }

private:
  void read_sources(const YAML::Node& node, const std::string& file)
  {
    if (node.IsScalar()) {
      m_sources = {read_source(node, file)};
      return;
    }
    if (!node.IsSequence() || node.size() == 0) {
      core::config_error(node, file, "`sources` must be a non-empty list of paths");
    }
    m_sources.clear();
    for (const auto& item : node) {
      m_sources.push_back(read_source(item, file));
    }
  }

  void read_bounds(const YAML::Node& node, const std::string& file, const std::string& key)
  {
    if (!node.IsMap()) {
      core::config_error(
          node, file,
          fmt::format("`{}` must be a mapping of variable to integer (e.g. `{{SANDBOX_CPU_SEC: 3600}}`)", key));
    }
    core::YamlMap map(node, file, "`" + key + "`");
    for (auto& limit : m_limits) {
      if (auto value = map.integer(limit.name, 1, k_max_bound)) {
        (key == "max" ? limit.max : limit.min) = *value;
      }
    }
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) {
        require_known(entry.first, file, entry.first.Scalar());
      }
    }
    map.finish();
  }

  void read_required(const YAML::Node& node, const std::string& file)
  {
    if (!node.IsSequence() && !node.IsScalar() && !node.IsNull()) {
      core::config_error(node, file, "`required` must be a list of variable names");
    }
    for (auto& limit : m_limits) {
      limit.required = false;
    }
    const auto mark_required = [&](const YAML::Node& item) {
      if (!item.IsScalar()) {
        core::config_error(item, file, "`required` must be a list of variable names");
      }
      require_known(item, file, item.Scalar());
      for (auto& limit : m_limits) {
        limit.required = limit.required || limit.name == item.Scalar();
      }
    };
    if (node.IsScalar()) {
      mark_required(node);
      return;
    }
    for (const auto& item : node) {
      mark_required(item);
    }
  }

  std::vector<Source> m_sources;
  std::vector<Limit> m_limits;
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
std::vector<std::pair<long long, const Found*>> judge(const Limit& limit, const std::vector<Found>& found,
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

core::CheckResult SandboxLimits::run(const core::Context& context)
{
  const auto start = std::chrono::steady_clock::now();
  core::CheckResult result;
  if (context.snapshot) {
    // The candidate's files are the commit's blobs: what is checked is what is tagged.
    auto opened = core::open_candidate(context);
    if (!opened) {
      result.status = core::Status::error;
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

core::CheckResult SandboxLimits::evaluate(const FileReader& read) const
{
  core::CheckResult result;
  std::vector<std::string> problems;
  std::vector<std::string> present;
  std::vector<std::string> missing;
  std::map<std::string, std::vector<Found>> found; // by variable name

  for (const auto& source : m_sources) {
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
    auto assignments = source.format == Format::dotenv ? parse_dotenv(**text, source.path)
                                                       : parse_manifest(**text, source.path, known_names());
    if (!assignments) {
      problems.push_back(assignments.error().message);
      continue;
    }
    std::map<std::string, Assignment> last; // dotenv: the last assignment of a key wins
    for (auto& assignment : *assignments) {
      const auto& names = known_names();
      if (std::find(names.begin(), names.end(), assignment.key) == names.end()) {
        continue;
      }
      if (source.format == Format::dotenv) {
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
    for (const auto& source : m_sources) {
      names.push_back(source.path);
    }
    problems.push_back(m_sources.size() == 1 ? fmt::format("{} does not exist", names.front())
                                             : fmt::format("none of {} exists", fmt::join(names, ", ")));
  } else {
    for (const auto& limit : m_limits) {
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
    result.status = core::Status::fail;
    result.summary = problems.front();
    if (problems.size() > 1) {
      result.summary += fmt::format(" (+{} more)", problems.size() - 1);
    }
  } else {
    result.status = core::Status::pass;
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
  const core::CheckResult result = check.evaluate(read);
  SandboxValues values;
  values.valid = result.status == core::Status::pass;
  for (const auto& name : known_names()) {
    if (result.details.contains(name)) {
      values.values[name] = result.details[name].get<long long>();
    }
  }
  values.source = result.details.value("source", "");
  return values;
}

std::map<std::string, long long> sandbox_bounds(const core::CheckSpec& spec)
{
  return SandboxLimits(spec, core::k_config_file).bounds();
}

std::unique_ptr<core::Check> make_sandbox_limits(const core::CheckSpec& spec, const std::string& file)
{
  return std::make_unique<SandboxLimits>(spec, file);
}

} // namespace tollgate::checks
