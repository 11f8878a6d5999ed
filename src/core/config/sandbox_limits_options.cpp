#include "core/config/sandbox_limits_options.hpp"

#include "core/config/check_kinds.hpp"
#include "core/config/yaml_reader.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace tollgate::core {

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

SandboxSource::Format format_of(const std::string& path)
{
  const std::string extension = fs::path(path).extension().string();
  return extension == ".yaml" || extension == ".yml" ? SandboxSource::Format::manifest : SandboxSource::Format::dotenv;
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
    config_error(node, file,
                 fmt::format("unknown variable `{}`{}", name, hint.empty() ? " (known: " + known_list() + ")" : hint));
  }
}

void check_path(const YAML::Node& node, const std::string& file, const std::string& path)
{
  if (path.empty()) {
    config_error(node, file, "a `sources` path must not be empty");
  }
  if (fs::path(path).is_absolute()) {
    config_error(node, file, fmt::format("`{}` must be relative to the repository root", path));
  }
}

SandboxSource read_source(const YAML::Node& item, const std::string& file)
{
  SandboxSource source;
  if (item.IsScalar()) {
    source.path = item.Scalar();
    source.format = format_of(source.path);
    check_path(item, file, source.path);
  } else if (item.IsMap()) {
    YamlMap map(item, file, "a `sources` entry");
    if (!map.has("path")) {
      config_error(item, file, "a `sources` entry needs `path`");
    }
    source.path = map.string("path").value_or("");
    check_path(*map.node("path"), file, source.path);
    source.format = format_of(source.path);
    if (auto format = map.string("format")) {
      if (*format == "dotenv") {
        source.format = SandboxSource::Format::dotenv;
      } else if (*format == "manifest") {
        source.format = SandboxSource::Format::manifest;
      } else {
        config_error(*map.node("format"), file,
                     fmt::format("`format` must be `dotenv` or `manifest`, not `{}`", *format));
      }
    }
    map.finish();
  } else {
    config_error(item, file, "each `sources` entry is a path, or `{path: ..., format: dotenv|manifest}`");
  }
  return source;
}

class Reader {
public:
  explicit Reader(SandboxLimitsOptions& options) : m_options(options) {}

  void read_sources(const YAML::Node& node, const std::string& file)
  {
    if (node.IsScalar()) {
      m_options.sources = {read_source(node, file)};
      return;
    }
    if (!node.IsSequence() || node.size() == 0) {
      config_error(node, file, "`sources` must be a non-empty list of paths");
    }
    m_options.sources.clear();
    for (const auto& item : node) {
      m_options.sources.push_back(read_source(item, file));
    }
  }

  void read_bounds(const YAML::Node& node, const std::string& file, const std::string& key)
  {
    if (!node.IsMap()) {
      config_error(
          node, file,
          fmt::format("`{}` must be a mapping of variable to integer (e.g. `{{SANDBOX_CPU_SEC: 3600}}`)", key));
    }
    YamlMap map(node, file, "`" + key + "`");
    for (auto& limit : m_options.limits) {
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
      config_error(node, file, "`required` must be a list of variable names");
    }
    for (auto& limit : m_options.limits) {
      limit.required = false;
    }
    const auto mark_required = [&](const YAML::Node& item) {
      if (!item.IsScalar()) {
        config_error(item, file, "`required` must be a list of variable names");
      }
      require_known(item, file, item.Scalar());
      for (auto& limit : m_options.limits) {
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

  SandboxLimitsOptions& m_options;
};

} // namespace

const std::vector<std::string>& sandbox_variables()
{
  return known_names();
}

SandboxLimitsOptions read_sandbox_limits_options(const CheckSpec& spec, const std::string& file)
{
  SandboxLimitsOptions result;
  Reader reader(result);
  for (const auto& variable : known_variables()) {
    result.limits.push_back(SandboxLimit{variable.name, 1, variable.default_max, true});
  }
  result.sources = {SandboxSource{".env", SandboxSource::Format::dotenv},
                    SandboxSource{"deploy/manifest.yaml", SandboxSource::Format::manifest}};

  YamlMap options = check_options(spec, file);
  for (const char* key : {"sources", "max", "min", "required"}) {
    options.allow(key);
  }
  options.finish();
  if (auto sources = options.node("sources")) {
    reader.read_sources(*sources, file);
  }
  if (auto max = options.node("max")) {
    reader.read_bounds(*max, file, "max");
  }
  if (auto min = options.node("min")) {
    if (min->IsScalar()) {
      const long long value = *options.integer("min", 1, k_max_bound);
      for (auto& limit : result.limits) {
        limit.min = value;
      }
    } else {
      reader.read_bounds(*min, file, "min");
    }
  }
  if (auto required = options.node("required")) {
    reader.read_required(*required, file);
  }
  for (const auto& limit : result.limits) {
    if (limit.min > limit.max) {
      const YAML::Node at = options.node("min").value_or(spec.options);
      config_error(at, file,
                   fmt::format("the minimum of {} ({}) is above its maximum ({})", limit.name, limit.min, limit.max));
    }
  }
  return result;
}

std::map<std::string, long long> sandbox_bounds(const CheckSpec& spec)
{
  std::map<std::string, long long> max;
  for (const auto& limit : read_sandbox_limits_options(spec, std::string(k_config_file)).limits) {
    max[limit.name] = limit.max;
  }
  return max;
}

} // namespace tollgate::core
