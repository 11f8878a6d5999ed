#include "checks/sandbox_limits.hpp"
#include "core/checklist/limits.hpp"
#include "core/checklist/workspace.hpp"
#include "core/config/sandbox_limits_options.hpp"
#include "core/trust/floor.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace tollgate;

namespace {

core::Config parse(const std::string& text)
{
  auto config = core::parse_config(text, "tollgate.yaml");
  INFO(text);
  REQUIRE(config.has_value());
  return std::move(*config);
}

const char* const k_stable = R"(
approvals: {required: 2, bind: commit, exclude_author: true}
sandbox: {cpu_sec: 300, mem_mb: 2048, timeout: 600, network: none, max_procs: 256, passenv: [NPM_CONFIG]}
checks:
  - command: {id: guard, run: "test -f must-exist", timeout: 60}
  - sandbox-limits: {sources: [.env], max: {SANDBOX_CPU_SEC: 600, SANDBOX_MEM_MB: 4096}}
  - approvals: {}
)";

core::Floor floor_of(const std::string& candidate)
{
  return core::apply_floor(parse(k_stable), parse(candidate), "v1.2.0");
}

bool has_note(const core::Floor& floor, const std::string& part)
{
  return std::any_of(floor.notes.begin(), floor.notes.end(),
                     [&](const std::string& note) { return note.find(part) != std::string::npos; });
}

const core::CheckSpec* find_check(const core::Floor& floor, const std::string& id)
{
  for (const auto& spec : floor.config.checks) {
    if (spec.id == id) {
      return &spec;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("floor: the same file changes nothing and notes nothing", "[floor]")
{
  const auto floor = floor_of(k_stable);
  CHECK(floor.notes.empty());
  CHECK(floor.config.checks.size() == 3);
  CHECK(floor.config.sandbox.cpu_sec == 300u);
  CHECK(floor.config.sandbox.passenv == std::vector<std::string>{"NPM_CONFIG"});
}

TEST_CASE("floor: each loosening is ignored with a note naming it", "[floor]")
{
  const auto floor = floor_of(R"(
approvals: {required: 1, bind: tree, exclude_author: false}
sandbox: {cpu_sec: 9000, mem_mb: 65536, timeout: 7200, network: allow, max_procs: 4096, confine: false,
          passenv: [NPM_CONFIG, GITHUB_TOKEN]}
checks:
  - command: {id: guard, run: "true", timeout: 600}
  - sandbox-limits: {sources: [.env], max: {SANDBOX_CPU_SEC: 7200, SANDBOX_MEM_MB: 4096}}
  - approvals: {}
)");
  const auto& sandbox = floor.config.sandbox;
  CHECK(floor.config.approvals.required == 2);
  CHECK(floor.config.approvals.bind == "commit");
  CHECK(floor.config.approvals.exclude_author);
  CHECK(sandbox.cpu_sec == 300u);
  CHECK(sandbox.mem_mb == 2048u);
  CHECK(sandbox.timeout == Approx(600));
  CHECK(sandbox.network == proc::Network::none);
  CHECK(sandbox.max_procs == 256u);
  CHECK(sandbox.confine);
  CHECK(sandbox.passenv == std::vector<std::string>{"NPM_CONFIG"});
  const auto* guard = find_check(floor, "guard");
  REQUIRE(guard != nullptr);
  CHECK(guard->options["run"].as<std::string>() == "test -f must-exist");
  CHECK(guard->timeout.value_or(0) == Approx(60));
  CHECK(floor.notes.front() ==
        "tollgate.yaml: `approvals.required: 1` ignored: stable (v1.2.0) says `2`; a candidate may tighten the rules, "
        "not loosen them: this change takes effect once it is promoted under the current rules");
  for (const char* part :
       {"`approvals.bind: tree` ignored", "`approvals.exclude_author: false` ignored",
        "`sandbox.cpu_sec: 9000` ignored", "`sandbox.mem_mb: 65536` ignored",
        "`sandbox.timeout: 7200` ignored: stable (v1.2.0) says `600`",
        "`sandbox.network: allow` ignored: stable (v1.2.0) says `none`", "`sandbox.max_procs: 4096` ignored",
        "`sandbox.confine: false` ignored", "`sandbox.passenv: [GITHUB_TOKEN]` ignored",
        "the definition of check `guard`", "`checks.guard.timeout: 600` ignored: stable (v1.2.0) says `60`",
        "`checks.sandbox-limits.max.SANDBOX_CPU_SEC: 7200` ignored: stable (v1.2.0) says `600`"}) {
    INFO(part);
    CHECK(has_note(floor, part));
  }
  CHECK(floor.notes.size() == 13);
  CHECK(core::sandbox_bounds(*find_check(floor, "sandbox-limits")) ==
        std::map<std::string, long long>{{"SANDBOX_CPU_SEC", 600}, {"SANDBOX_MEM_MB", 4096}});
}

TEST_CASE("floor: a dropped check stays, as stable defines it, with a note", "[floor]")
{
  const auto floor = floor_of("sandbox: {cpu_sec: 300, mem_mb: 2048, timeout: 600, max_procs: 256, passenv: "
                              "[NPM_CONFIG]}\nchecks:\n  - approvals: {}\n");
  REQUIRE(floor.config.checks.size() == 3);
  CHECK(floor.config.checks[0].id == "guard");
  CHECK(floor.config.checks[1].id == "sandbox-limits");
  CHECK(floor.notes.size() == 2);
  CHECK(has_note(floor, "dropping check `guard` ignored: stable (v1.2.0) lists it"));
}

TEST_CASE("floor: each tightening is kept, without notes", "[floor]")
{
  const auto floor = floor_of(R"(
approvals: {required: 3}
sandbox: {cpu_sec: 30, mem_mb: 512, timeout: 60, network: none, max_procs: 32, passenv: []}
checks:
  - command: {id: guard, run: "test -f must-exist", timeout: 5}
  - sandbox-limits: {sources: [.env], max: {SANDBOX_CPU_SEC: 60, SANDBOX_MEM_MB: 4096}}
  - approvals: {}
  - command: {id: extra, run: "true"}
)");
  CHECK(floor.notes.empty());
  CHECK(floor.config.approvals.required == 3);
  CHECK(floor.config.sandbox.cpu_sec == 30u);
  CHECK(floor.config.sandbox.mem_mb == 512u);
  CHECK(floor.config.sandbox.timeout == Approx(60));
  CHECK(floor.config.sandbox.max_procs == 32u);
  CHECK(floor.config.sandbox.passenv.empty());
  CHECK(find_check(floor, "guard")->timeout.value_or(0) == Approx(5));
  REQUIRE(floor.config.checks.size() == 4);
  CHECK(floor.config.checks.back().id == "extra");
  CHECK(core::sandbox_bounds(*find_check(floor, "sandbox-limits")) ==
        std::map<std::string, long long>{{"SANDBOX_CPU_SEC", 60}, {"SANDBOX_MEM_MB", 4096}});
}

TEST_CASE("floor: confine off counts only from the trust root", "[floor]")
{
  const auto off = parse("sandbox: {confine: false, network: allow}\n");
  CHECK_FALSE(core::apply_floor(off, off, "v1.0.0").config.sandbox.confine);
  const auto on = core::apply_floor(off, parse("sandbox: {network: none}\n"), "v1.0.0");
  CHECK(on.config.sandbox.confine);
  CHECK(on.config.sandbox.network == proc::Network::none);
  CHECK(on.notes.empty());
}

TEST_CASE("floor: rules and the Sandbox line", "[floor]")
{
  core::Floor first;
  first.first_promotion = true;
  CHECK(first.rules() == "candidate (first promotion)");
  auto floor = floor_of(k_stable);
  floor.stable_commit = *git::Oid::parse("0123456789abcdef0123456789abcdef01234567");
  CHECK(floor.rules() == "stable v1.2.0 0123456789abcdef0123456789abcdef01234567");
  const proc::Limits limits = core::effective_limits(floor.config.sandbox);
  CHECK(core::describe_limits(limits, "bwrap") == "confine=on backend=bwrap cpu=300s mem=2048MiB net=none procs=256");
}
