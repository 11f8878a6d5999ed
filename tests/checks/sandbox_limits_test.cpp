#include "checks/registry.hpp"
#include "core/config/config.hpp"
#include "core/config/yaml_reader.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>

using tollgate::checks::CheckResult;
using tollgate::checks::Status;
using tollgate::test::TempDir;

namespace {

// The `sandbox-limits` check configured by `options` (a YAML flow mapping) in a tollgate.yaml.
tollgate::core::CheckSpec spec_of(const std::string& options)
{
  auto config = tollgate::core::parse_config("checks:\n  - sandbox-limits: " + options + "\n", "tollgate.yaml");
  INFO((config ? std::string() : config.error().message));
  REQUIRE(config.has_value());
  REQUIRE(config->checks.size() == 1);
  return config->checks.front();
}

CheckResult run_check(const TempDir& root, const std::string& options = "{}")
{
  const auto check = tollgate::checks::create(spec_of(options), "tollgate.yaml");
  tollgate::checks::Context context;
  context.root = root.path();
  const CheckResult result = check->run(context);
  CHECK(result.log.empty());
  CHECK_FALSE(result.outcome.has_value());
  CHECK(result.seconds >= 0);
  return result;
}

std::string config_error(const std::string& options)
{
  auto config = tollgate::core::parse_config("checks:\n  - sandbox-limits: " + options + "\n", "tollgate.yaml");
  REQUIRE_FALSE(config.has_value());
  return config.error().message;
}

const std::string k_deployment = R"(apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: SANDBOX_CPU_SEC
              value: "60"
            - name: SANDBOX_MEM_MB
              value: "2048"
)";

} // namespace

TEST_CASE("sandbox-limits: valid .env passes and names where each value is", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "# sandbox\nOTHER=1\nSANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=2048\n");
  const CheckResult result = run_check(root);
  INFO(result.summary);
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "SANDBOX_CPU_SEC=30 (.env:3), SANDBOX_MEM_MB=2048 (.env:4); not found: deploy/manifest.yaml");
  CHECK(result.details["SANDBOX_CPU_SEC"] == 30);
  CHECK(result.details["SANDBOX_MEM_MB"] == 2048);
  CHECK(result.details["source"] == ".env");
  CHECK(result.details["problems"].empty());
  CHECK(result.details["missing_sources"] == nlohmann::json::array({"deploy/manifest.yaml"}));
}

TEST_CASE("sandbox-limits: the last assignment in a dotenv file wins", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "SANDBOX_CPU_SEC=abc\nSANDBOX_MEM_MB=1\nSANDBOX_CPU_SEC=30\n");
  const CheckResult result = run_check(root);
  INFO(result.summary);
  CHECK(result.status == Status::pass);
  CHECK(result.summary.starts_with("SANDBOX_CPU_SEC=30 (.env:3), SANDBOX_MEM_MB=1 (.env:2)"));
}

TEST_CASE("sandbox-limits: agreeing .env and Kubernetes manifest", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "SANDBOX_CPU_SEC=60\nSANDBOX_MEM_MB=2048\n");
  root.write("deploy/manifest.yaml", k_deployment);
  const CheckResult result = run_check(root);
  INFO(result.summary);
  CHECK(result.status == Status::pass);
  CHECK(result.summary ==
        "SANDBOX_CPU_SEC=60 (.env:1, deploy/manifest.yaml:10), SANDBOX_MEM_MB=2048 (.env:2, deploy/manifest.yaml:12)");
}

TEST_CASE("sandbox-limits: only a manifest", "[sandbox_limits]")
{
  TempDir root;
  root.write("deploy/manifest.yaml", k_deployment);
  const CheckResult result = run_check(root);
  INFO(result.summary);
  CHECK(result.status == Status::pass);
  CHECK(result.details["source"] == "deploy/manifest.yaml");
  CHECK(result.details["SANDBOX_CPU_SEC"] == 60);
}

TEST_CASE("sandbox-limits: conflicting values name both locations", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "\n\nSANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=2048\n");
  root.write("deploy/manifest.yaml", k_deployment);
  const CheckResult result = run_check(root);
  CHECK(result.status == Status::fail);
  CHECK(result.summary == "SANDBOX_CPU_SEC conflicts: .env:3 says 30, deploy/manifest.yaml:10 says 60");
  REQUIRE(result.details["problems"].size() == 1);
}

TEST_CASE("sandbox-limits: a missing variable", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "SANDBOX_CPU_SEC=30\n");
  const CheckResult result = run_check(root);
  CHECK(result.status == Status::fail);
  CHECK(result.summary == "SANDBOX_MEM_MB is not set in .env");
  CHECK(result.details["SANDBOX_CPU_SEC"] == 30);
  CHECK_FALSE(result.details.contains("SANDBOX_MEM_MB"));

  SECTION("not required")
  {
    const CheckResult relaxed = run_check(root, "{required: [SANDBOX_CPU_SEC]}");
    CHECK(relaxed.status == Status::pass);
  }
}

TEST_CASE("sandbox-limits: values that are not positive integers", "[sandbox_limits]")
{
  TempDir root;
  const auto first_problem = [&](const std::string& cpu) {
    root.write(".env", "SANDBOX_MEM_MB=2048\nSANDBOX_CPU_SEC=" + cpu + "\n");
    const CheckResult result = run_check(root);
    CHECK(result.status == Status::fail);
    return result.details["problems"].at(0).get<std::string>();
  };
  CHECK(first_problem("30s") == "SANDBOX_CPU_SEC at .env:2 is `30s`, not a positive integer (decimal digits only)");
  CHECK(first_problem("1e3") == "SANDBOX_CPU_SEC at .env:2 is `1e3`, not a positive integer (decimal digits only)");
  CHECK(first_problem("-5") == "SANDBOX_CPU_SEC at .env:2 is `-5`, not a positive integer (decimal digits only)");
  CHECK(first_problem("3.5") == "SANDBOX_CPU_SEC at .env:2 is `3.5`, not a positive integer (decimal digits only)");
  CHECK(first_problem("") == "SANDBOX_CPU_SEC at .env:2 is empty");
  CHECK(first_problem("0") == "SANDBOX_CPU_SEC=0 at .env:2 is below the minimum of 1");
  CHECK(first_problem("3601") == "SANDBOX_CPU_SEC=3601 at .env:2 exceeds the maximum of 3600");
  CHECK(first_problem("99999999999999999999999") ==
        "SANDBOX_CPU_SEC=99999999999999999999999 at .env:2 exceeds the maximum of 3600");
}

TEST_CASE("sandbox-limits: configured bounds", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=70000\n");
  CHECK(run_check(root).summary == "SANDBOX_MEM_MB=70000 at .env:2 exceeds the maximum of 65536");
  CHECK(run_check(root, "{max: {SANDBOX_MEM_MB: 131072}}").status == Status::pass);
  CHECK(run_check(root, "{max: {SANDBOX_MEM_MB: 131072}, min: 60}").summary ==
        "SANDBOX_CPU_SEC=30 at .env:1 is below the minimum of 60");
  CHECK(run_check(root, "{max: {SANDBOX_MEM_MB: 131072}, min: {SANDBOX_MEM_MB: 100000}}").summary ==
        "SANDBOX_MEM_MB=70000 at .env:2 is below the minimum of 100000");
}

TEST_CASE("sandbox-limits: several problems are counted in the summary", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "SANDBOX_CPU_SEC=30s\n");
  const CheckResult result = run_check(root);
  CHECK(result.status == Status::fail);
  CHECK(result.summary == "SANDBOX_CPU_SEC at .env:1 is `30s`, not a positive integer (decimal digits only) (+1 more)");
  REQUIRE(result.details["problems"].size() == 2);
  CHECK(result.details["problems"][1] == "SANDBOX_MEM_MB is not set in .env");
}

TEST_CASE("sandbox-limits: no source at all", "[sandbox_limits]")
{
  TempDir root;
  const CheckResult result = run_check(root);
  CHECK(result.status == Status::fail);
  CHECK(result.summary == "none of .env, deploy/manifest.yaml exists");
}

TEST_CASE("sandbox-limits: a parse error fails with its location", "[sandbox_limits]")
{
  TempDir root;
  root.write(".env", "SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB='2048\n");
  const CheckResult result = run_check(root);
  CHECK(result.status == Status::fail);
  CHECK(result.summary.starts_with(".env:2:16: unterminated single-quoted value"));

  root.write(".env", "SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=2048\n");
  root.write("deploy/manifest.yaml", "a: [1,\n");
  const CheckResult yaml = run_check(root);
  CHECK(yaml.status == Status::fail);
  CHECK(yaml.summary.starts_with("deploy/manifest.yaml:"));
}

TEST_CASE("sandbox-limits: valueFrom cannot be checked", "[sandbox_limits]")
{
  TempDir root;
  root.write("k8s/app.yml", "env:\n  - name: SANDBOX_CPU_SEC\n    valueFrom: {secretKeyRef: {name: a, key: b}}\n"
                            "  - name: SANDBOX_MEM_MB\n    value: '512'\n");
  const CheckResult result = run_check(root, "{sources: [k8s/app.yml]}");
  CHECK(result.status == Status::fail);
  CHECK(result.summary.starts_with("SANDBOX_CPU_SEC at k8s/app.yml:3 has no value written in the file"));
}

TEST_CASE("sandbox-limits: explicit source formats and compose files", "[sandbox_limits]")
{
  TempDir root;
  root.write("limits.conf", "SANDBOX_CPU_SEC: 30\nSANDBOX_MEM_MB: 512\n");
  root.write("compose.yaml", "services:\n  app:\n    environment: [SANDBOX_CPU_SEC=30, SANDBOX_MEM_MB=512]\n");
  const CheckResult result =
      run_check(root, "{sources: [{path: limits.conf, format: manifest}, compose.yaml, missing.env]}");
  INFO(result.summary);
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "SANDBOX_CPU_SEC=30 (limits.conf:1, compose.yaml:3), SANDBOX_MEM_MB=512 (limits.conf:2, "
                          "compose.yaml:3); not found: missing.env");
}

TEST_CASE("sandbox-limits: option errors name the file, line and column", "[sandbox_limits]")
{
  CHECK(config_error("{max: {SANDBOX_CPU_SECS: 10}}") ==
        "tollgate.yaml:2:28: unknown variable `SANDBOX_CPU_SECS`, did you mean `SANDBOX_CPU_SEC`?");
  CHECK(config_error("{max: {OTHER: 10}}") ==
        "tollgate.yaml:2:28: unknown variable `OTHER` (known: SANDBOX_CPU_SEC, SANDBOX_MEM_MB)");
  CHECK(config_error("{max: {SANDBOX_CPU_SEC: 0}}") ==
        "tollgate.yaml:2:45: `SANDBOX_CPU_SEC` must be between 1 and 1000000000000, not 0");
  CHECK(config_error("{max: {SANDBOX_CPU_SEC: ten}}") ==
        "tollgate.yaml:2:45: `SANDBOX_CPU_SEC` must be an integer, not `ten`");
  CHECK(config_error("{source: [.env]}") ==
        "tollgate.yaml:2:22: unknown key `source` in check `sandbox-limits`, did you mean `sources`?");
  CHECK(config_error("{sources: []}") == "tollgate.yaml:2:31: `sources` must be a non-empty list of paths");
  CHECK(config_error("{sources: [/etc/env]}") ==
        "tollgate.yaml:2:32: `/etc/env` must be relative to the repository root");
  CHECK(config_error("{sources: [{path: a, format: ini}]}") ==
        "tollgate.yaml:2:50: `format` must be `dotenv` or `manifest`, not `ini`");
  CHECK(config_error("{required: [SANDBOX_MEM]}") ==
        "tollgate.yaml:2:33: unknown variable `SANDBOX_MEM`, did you mean `SANDBOX_MEM_MB`?");
  CHECK(config_error("{min: 5000}").starts_with("tollgate.yaml:2:27: the minimum of SANDBOX_CPU_SEC (5000) is above"));
}
