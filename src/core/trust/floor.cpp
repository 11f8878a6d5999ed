#include "core/trust/floor.hpp"

#include "core/config/sandbox_limits_options.hpp"
#include "core/trust/promotion_record.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tollgate::core {

namespace {

// Collects the notes of one floor computation.
class Notes {
public:
  explicit Notes(std::string stable) : m_stable(std::move(stable)) {}

  // "tollgate.yaml: <what> ignored: stable (v1.2.0) <says>; ..."
  void add(const std::string& what, const std::string& says)
  {
    m_notes.push_back(fmt::format("{}: {} ignored: stable ({}) {}; a candidate may tighten the rules, not loosen "
                                  "them: this change takes effect once it is promoted under the current rules",
                                  k_config_file, what, m_stable, says));
  }
  // "`sandbox.network: allow` ignored: stable (v1.2.0) says `none`"
  void says(const std::string& setting, const std::string& value)
  {
    add(fmt::format("`{}`", setting), fmt::format("says `{}`", value));
  }

  std::vector<std::string> take() { return std::move(m_notes); }

private:
  std::string m_stable;
  std::vector<std::string> m_notes;
};

// A YAML scalar as the parser marks an unquoted one (what the strict readers accept as a number).
template <typename T> YAML::Node plain(T value)
{
  YAML::Node node(value);
  node.SetTag("?");
  return node;
}

std::string number(double value)
{
  return fmt::format("{}", value);
}

// A check's options as text, without the keys the candidate may change.
std::string canonical(const CheckSpec& spec, const std::vector<std::string>& ignored)
{
  YAML::Node options = YAML::Clone(spec.options);
  if (options.IsMap()) {
    for (const auto& key : ignored) {
      options.remove(key);
    }
  }
  YAML::Emitter out;
  out << YAML::Flow << options;
  return spec.kind + ": " + out.c_str();
}

SandboxConfig floor_sandbox(const SandboxConfig& stable, const SandboxConfig& candidate, Notes& notes)
{
  SandboxConfig out = candidate;
  if (candidate.cpu_sec > stable.cpu_sec) {
    notes.says(fmt::format("sandbox.cpu_sec: {}", candidate.cpu_sec), std::to_string(stable.cpu_sec));
    out.cpu_sec = stable.cpu_sec;
  }
  out.cpu_sec_set = stable.cpu_sec_set || candidate.cpu_sec_set;
  if (candidate.mem_mb > stable.mem_mb) {
    notes.says(fmt::format("sandbox.mem_mb: {}", candidate.mem_mb), std::to_string(stable.mem_mb));
    out.mem_mb = stable.mem_mb;
  }
  out.mem_mb_set = stable.mem_mb_set || candidate.mem_mb_set;
  if (candidate.timeout > stable.timeout) {
    notes.says(fmt::format("sandbox.timeout: {}", number(candidate.timeout)), number(stable.timeout));
    out.timeout = stable.timeout;
  }
  if (candidate.max_procs > stable.max_procs) {
    notes.says(fmt::format("sandbox.max_procs: {}", candidate.max_procs), std::to_string(stable.max_procs));
    out.max_procs = stable.max_procs;
  }
  if (candidate.network == proc::Network::allow && stable.network == proc::Network::none) {
    notes.says("sandbox.network: allow", "none");
    out.network = proc::Network::none;
  }
  if (!candidate.confine && stable.confine) {
    notes.says("sandbox.confine: false", "true");
    out.confine = true;
  }
  if (candidate.backend != stable.backend) {
    notes.says(fmt::format("sandbox.backend: {}", proc::to_string(candidate.backend)),
               std::string(proc::to_string(stable.backend)));
    out.backend = stable.backend;
  }
  out.passenv.clear();
  for (const auto& name : candidate.passenv) {
    if (std::find(stable.passenv.begin(), stable.passenv.end(), name) != stable.passenv.end()) {
      out.passenv.push_back(name);
    } else {
      notes.add(fmt::format("`sandbox.passenv: [{}]`", name),
                "does not pass it (a name added here could read a token)");
    }
  }
  return out;
}

ApprovalsConfig floor_approvals(const ApprovalsConfig& stable, const ApprovalsConfig& candidate, Notes& notes)
{
  if (candidate.required < stable.required) {
    notes.says(fmt::format("approvals.required: {}", candidate.required), std::to_string(stable.required));
  }
  if (candidate.bind == "tree" && stable.bind == "commit") {
    notes.says("approvals.bind: tree", "commit");
  }
  if (!candidate.exclude_author && stable.exclude_author) {
    notes.says("approvals.exclude_author: false", "true");
  }
  ApprovalsConfig out = tighter(stable, candidate);
  if (candidate.maintainers != stable.maintainers) {
    notes.says(fmt::format("approvals.maintainers: {}", candidate.maintainers), stable.maintainers);
  }
  out.maintainers = stable.maintainers; // the trust root reads its own
  return out;
}

// The sandbox-limits check `kept` (stable's) with the candidate's lower `max:` bounds.
void lower_bounds(CheckSpec& kept, const CheckSpec& candidate, Notes& notes)
{
  const auto stable_max = sandbox_bounds(kept);
  const auto candidate_max = sandbox_bounds(candidate);
  const YAML::Node written = candidate.options["max"];
  for (const auto& [name, bound] : stable_max) {
    const auto it = candidate_max.find(name);
    if (it == candidate_max.end()) {
      continue;
    }
    if (it->second < bound) {
      if (!kept.options["max"].IsMap()) {
        kept.options["max"] = YAML::Node(YAML::NodeType::Map);
      }
      kept.options["max"][name] = plain(it->second);
    } else if (it->second > bound && written.IsMap() && written[name].IsDefined()) {
      notes.says(fmt::format("checks.{}.max.{}: {}", kept.id, name, it->second), std::to_string(bound));
    }
  }
}

std::vector<CheckSpec> floor_checks(const Config& stable, const Config& candidate, Notes& notes)
{
  std::vector<CheckSpec> out;
  for (const auto& trusted : stable.checks) {
    CheckSpec kept = trusted;
    kept.options = YAML::Clone(trusted.options);
    const auto theirs = std::find_if(candidate.checks.begin(), candidate.checks.end(),
                                     [&](const CheckSpec& spec) { return spec.id == trusted.id; });
    if (theirs == candidate.checks.end()) {
      notes.add(fmt::format("dropping check `{}`", trusted.id), "lists it: it runs as stable defines it");
      out.push_back(std::move(kept));
      continue;
    }
    const bool limits = trusted.kind == "sandbox-limits" && theirs->kind == trusted.kind;
    const std::vector<std::string> ignored =
        limits ? std::vector<std::string>{"timeout", "max"} : std::vector<std::string>{"timeout"};
    if (canonical(*theirs, ignored) != canonical(trusted, ignored)) {
      notes.add(fmt::format("the definition of check `{}` (`{}`)", trusted.id, canonical(*theirs, {})),
                fmt::format("defines it as `{}`: it runs as stable defines it", canonical(trusted, {})));
    }
    if (limits) {
      lower_bounds(kept, *theirs, notes);
    }
    const double limit = trusted.timeout.value_or(stable.sandbox.timeout);
    if (theirs->timeout && *theirs->timeout < limit) {
      kept.timeout = theirs->timeout;
      kept.options["timeout"] = plain(*theirs->timeout);
    } else if (theirs->timeout && *theirs->timeout > limit) {
      notes.says(fmt::format("checks.{}.timeout: {}", trusted.id, number(*theirs->timeout)), number(limit));
    }
    out.push_back(std::move(kept));
  }
  for (const auto& spec : candidate.checks) {
    const bool known = std::any_of(stable.checks.begin(), stable.checks.end(),
                                   [&](const CheckSpec& trusted) { return trusted.id == spec.id; });
    if (!known) {
      out.push_back(spec);
    }
  }
  return out;
}

std::unexpected<TrustRootError> floor_error(int exit_code, std::string message)
{
  return std::unexpected(TrustRootError{exit_code, std::move(message)});
}

// The release the stable tag names ("v1.2.0"), else the tag's own name.
std::string stable_release_name(const git::Repository& repo, const Config& local)
{
  auto ref = git::read_ref(repo, "refs/tags/" + local.release.stable_tag);
  if (ref && *ref) {
    if (auto tag = git::read_tag(repo, **ref)) {
      if (auto record = parse_stable_message(tag->message)) {
        return record->release;
      }
    }
  }
  return local.release.stable_tag;
}

} // namespace

std::string Floor::rules() const
{
  if (first_promotion) {
    return "candidate (first promotion)";
  }
  return fmt::format("stable {} {}", stable, stable_commit.hex());
}

ApprovalsConfig tighter(const ApprovalsConfig& a, const ApprovalsConfig& b)
{
  ApprovalsConfig out = a;
  out.required = std::max(a.required, b.required);
  out.bind = a.bind == "commit" || b.bind == "commit" ? "commit" : "tree";
  out.exclude_author = a.exclude_author || b.exclude_author;
  return out;
}

Floor apply_floor(const std::optional<Config>& stable, const Config& candidate, const std::string& stable_name)
{
  const Config trusted = stable.value_or(Config{});
  Notes notes(stable_name);
  Floor floor;
  floor.stable = stable_name;
  floor.config = candidate;
  floor.config.approvals = floor_approvals(trusted.approvals, candidate.approvals, notes);
  floor.config.sandbox = floor_sandbox(trusted.sandbox, candidate.sandbox, notes);
  floor.config.checks = floor_checks(trusted, candidate, notes);
  floor.notes = notes.take();
  return floor;
}

std::expected<Floor, TrustRootError> load_floor(const git::Repository& repo, const Config& local,
                                                const git::Oid& candidate)
{
  auto root = trust_root_commit(repo, local, candidate);
  if (!root) {
    return std::unexpected(root.error());
  }
  // The candidate's file as committed.
  Config theirs = local;
  auto text = git::read_file_at(repo, candidate, k_config_file);
  if (!text) {
    return floor_error(3, text.error().message);
  }
  if (*text) {
    auto parsed = parse_config(**text, k_config_file);
    if (!parsed) {
      return floor_error(2, fmt::format("{} (at candidate {})", parsed.error().message, candidate.short_hex()));
    }
    theirs = std::move(*parsed);
    theirs.path = local.path;
    theirs.trust_root_override = local.trust_root_override;
    theirs.gpg = local.gpg; // how signatures are verified is the operator's choice, not the candidate's
  }
  if (root->bootstrap) {
    Floor floor;
    floor.config = std::move(theirs);
    floor.first_promotion = true;
    floor.stable_commit = candidate;
    return floor;
  }
  std::optional<Config> stable;
  auto trusted_text = git::read_file_at(repo, root->commit, k_config_file);
  if (!trusted_text) {
    return floor_error(3, trusted_text.error().message);
  }
  if (*trusted_text) {
    auto parsed = parse_config(**trusted_text, k_config_file);
    if (!parsed) {
      return floor_error(2, fmt::format("{} (at {})", parsed.error().message, root->source));
    }
    stable = std::move(*parsed);
  }
  Floor floor =
      apply_floor(stable, theirs,
                  local.trust_root_override ? local.trust_root_override->release : stable_release_name(repo, local));
  floor.stable_commit = root->commit;
  floor.config.gpg = local.gpg;
  return floor;
}

} // namespace tollgate::core
