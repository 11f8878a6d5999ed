// The policy input document (DESIGN.md §6) built from a real temporary repository, and the
// runner handing earlier checks' results to later ones.

#include "checks/policy_input.hpp"
#include "core/checklist/runner.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace tollgate;

namespace {

void run_git(const test::TempDir& dir, const std::string& args)
{
  // The environment wins over -c user.*: another test of this process may have set GIT_AUTHOR_*.
  const std::string command = "GIT_AUTHOR_NAME=Ann GIT_AUTHOR_EMAIL=ann@example.com GIT_COMMITTER_NAME=Ann "
                              "GIT_COMMITTER_EMAIL=ann@example.com git -C '" +
                              dir.path().string() + "' " + args + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
}

// Records the `earlier` document it was given.
class Recorder final : public checks::Check {
public:
  Recorder(const std::string& id, checks::Status status, nlohmann::json& seen)
      : Check(make_spec(id)), m_status(status), m_seen(seen)
  {
  }
  bool concurrent() const override { return false; }
  checks::CheckResult run(const checks::Context& context) override
  {
    m_seen = context.earlier;
    checks::CheckResult result;
    result.status = m_status;
    result.summary = "ran " + id();
    result.details = {{"passed", 3}};
    return result;
  }

private:
  static core::CheckSpec make_spec(const std::string& id)
  {
    core::CheckSpec spec;
    spec.kind = "recorder";
    spec.id = id;
    return spec;
  }
  checks::Status m_status;
  nlohmann::json& m_seen;
};

class NullReporter final : public core::Reporter {
public:
  void begin(const std::vector<std::unique_ptr<checks::Check>>&) override {}
  void tick(const std::vector<core::Running>&) override {}
  void finished(const core::CheckReport&) override {}
  void end(const core::RunReport&) override {}
};

} // namespace

TEST_CASE("commit messages are read as Conventional Commits", "[policy_input]")
{
  CHECK(checks::conventional_commit("feat(api)!: drop v1\n\nbody") ==
        nlohmann::json{{"type", "feat"}, {"scope", "api"}, {"breaking", true}, {"subject", "drop v1"}});
  CHECK(checks::conventional_commit("fix: x\n\nBREAKING CHANGE: y")["breaking"] == true);
  CHECK(checks::conventional_commit("Update README")["type"] == "");
}

TEST_CASE("the input names the candidate, the changes since stable and the commits", "[policy_input]")
{
  test::TempDir dir;
  run_git(dir, "init -q -b main");
  dir.write("README.md", "hello\n");
  run_git(dir, "add -A");
  run_git(dir, "commit -q -m 'chore: start'");
  run_git(dir, "tag stable");
  dir.write("agents/new.py", "print(1)\n");
  dir.write("README.md", "hello again\n");
  dir.write(".env", "SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=512\n");
  run_git(dir, "add -A");
  run_git(dir, "commit -q -m 'feat(agents): add new'");

  checks::Context context;
  context.root = dir.path();
  context.git_dir = dir.path() / ".git";
  auto input = checks::build_policy_input(context);
  REQUIRE(input);
  const auto& doc = *input;
  CHECK(doc["candidate"]["author"]["email"] == "ann@example.com");
  CHECK(doc["candidate"]["commit"].get<std::string>().size() == 40);
  CHECK(doc["candidate"]["message"] == "feat(agents): add new\n");
  CHECK(doc["base"]["stable"] == "stable");
  CHECK(doc["changed_files"] == nlohmann::json::array({".env", "README.md", "agents/new.py"}));
  CHECK(doc["added_files"] == nlohmann::json::array({".env", "agents/new.py"}));
  REQUIRE(doc["commits"].size() == 1);
  CHECK(doc["commits"][0]["type"] == "feat");
  CHECK(doc["commits"][0]["scope"] == "agents");
  CHECK(doc["sandbox"] == nlohmann::json{{"SANDBOX_CPU_SEC", 30}, {"SANDBOX_MEM_MB", 512}, {"source", ".env"}});
  CHECK(doc["approvals"] == nlohmann::json::array());
  CHECK_FALSE(doc.contains("version"));
}

TEST_CASE("approvals, sandbox and checks come from the checks that ran before", "[policy_input]")
{
  test::TempDir dir;
  run_git(dir, "init -q -b main");
  run_git(dir, "commit -q --allow-empty -m 'chore: start'");
  checks::Context context;
  context.root = dir.path();
  context.git_dir = dir.path() / ".git";
  context.earlier = {
      {"approvals",
       {{"kind", "approvals"},
        {"status", "pass"},
        {"details", {{"approvals", {{{"email", "a@example.com"}, {"roles", {"security"}}, {"counts", true}}}}}}}},
      {"limits",
       {{"kind", "sandbox-limits"},
        {"status", "pass"},
        {"details", {{"SANDBOX_CPU_SEC", 10}, {"SANDBOX_MEM_MB", 20}, {"source", "deploy.yaml"}}}}},
      {"pytest", {{"kind", "pytest"}, {"status", "fail"}, {"seconds", 1.5}, {"details", {{"failed", 2}}}}},
      {"changelog",
       {{"kind", "changelog"},
        {"status", "pass"},
        {"details", {{"previous", "1.3.2"}, {"next", "1.4.0"}, {"bump", "minor"}, {"tag", "v1.4.0"}}}}}};
  auto input = checks::build_policy_input(context);
  REQUIRE(input);
  CHECK((*input)["approvals"][0]["email"] == "a@example.com");
  CHECK((*input)["sandbox"]["source"] == "deploy.yaml");
  CHECK((*input)["checks"]["pytest"]["status"] == "fail");
  CHECK((*input)["checks"]["pytest"]["failed"] == 2);
  CHECK_FALSE(input->contains("base")); // no stable tag yet
  CHECK((*input)["version"] == nlohmann::json{{"previous", "1.3.2"}, {"next", "1.4.0"}, {"bump", "minor"}});
}

TEST_CASE("a check sees the results of the checks declared before it", "[policy_input][runner]")
{
  test::TempDir dir;
  nlohmann::json first_saw;
  nlohmann::json second_saw;
  std::vector<std::unique_ptr<checks::Check>> checks;
  checks.push_back(std::make_unique<Recorder>("first", checks::Status::pass, first_saw));
  checks.push_back(std::make_unique<Recorder>("second", checks::Status::pass, second_saw));
  checks::Context context;
  context.root = dir.path();
  context.log_dir = dir.path() / "logs";
  NullReporter reporter;
  core::run_checklist(checks, context, core::RunOptions{}, reporter);
  CHECK(first_saw.empty());
  REQUIRE(second_saw.contains("first"));
  CHECK(second_saw["first"]["status"] == "pass");
  CHECK(second_saw["first"]["summary"] == "ran first");
  CHECK(second_saw["first"]["details"]["passed"] == 3);
}
