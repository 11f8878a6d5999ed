#include "checks/env_sources.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using tollgate::checks::Assignment;
using tollgate::checks::parse_dotenv;
using tollgate::checks::parse_manifest;

namespace {

const std::vector<std::string> k_wanted = {"SANDBOX_CPU_SEC", "SANDBOX_MEM_MB"};

std::vector<Assignment> dotenv_ok(const std::string& text)
{
  auto parsed = parse_dotenv(text, ".env");
  INFO((parsed ? std::string() : parsed.error().message));
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string dotenv_error(const std::string& text)
{
  auto parsed = parse_dotenv(text, ".env");
  REQUIRE_FALSE(parsed.has_value());
  return parsed.error().message;
}

std::vector<Assignment> manifest_ok(const std::string& text, const std::vector<std::string>& wanted = k_wanted)
{
  auto parsed = parse_manifest(text, "deploy/manifest.yaml", wanted);
  INFO((parsed ? std::string() : parsed.error().message));
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string manifest_error(const std::string& text)
{
  auto parsed = parse_manifest(text, "deploy/manifest.yaml", k_wanted);
  REQUIRE_FALSE(parsed.has_value());
  return parsed.error().message;
}

} // namespace

TEST_CASE("dotenv: plain assignments with their value's line and column", "[env_sources]")
{
  const auto found = dotenv_ok("# limits\n\nSANDBOX_CPU_SEC=30\n  SANDBOX_MEM_MB=2048\n");
  REQUIRE(found.size() == 2);
  CHECK(found[0].key == "SANDBOX_CPU_SEC");
  CHECK(found[0].value == "30");
  CHECK(found[0].line == 3);
  CHECK(found[0].column == 17);
  CHECK(found[0].literal);
  CHECK(found[1].key == "SANDBOX_MEM_MB");
  CHECK(found[1].value == "2048");
  CHECK(found[1].line == 4);
  CHECK(found[1].column == 18);
}

TEST_CASE("dotenv: export, blanks around =, CRLF and no final newline", "[env_sources]")
{
  const auto found = dotenv_ok("export A=1\r\nexport   B = 2 \r\nexport = 3\nC=4");
  REQUIRE(found.size() == 4);
  CHECK(found[0].key == "A");
  CHECK(found[0].value == "1");
  CHECK(found[1].key == "B");
  CHECK(found[1].value == "2");
  CHECK(found[1].column == 14);
  CHECK(found[2].key == "export");
  CHECK(found[2].value == "3");
  CHECK(found[3].key == "C");
  CHECK(found[3].value == "4");
  CHECK(found[3].line == 4);
}

TEST_CASE("dotenv: comments", "[env_sources]")
{
  const auto found =
      dotenv_ok("  # indented comment\nA=1 # trailing\nB=x#not-a-comment\nC=#kept\nD= # only a comment\n");
  REQUIRE(found.size() == 4);
  CHECK(found[0].value == "1");
  CHECK(found[1].value == "x#not-a-comment");
  CHECK(found[2].value == "#kept");
  CHECK(found[3].value.empty());
}

TEST_CASE("dotenv: quoted values", "[env_sources]")
{
  const auto found = dotenv_ok("S='a \\n # b'  # comment\n"
                               "D=\"line\\nnext \\\"q\\\" back\\\\slash \\$HOME \\z\"\n"
                               "E=''\n"
                               "M=\"first\nsecond\"\n"
                               "AFTER=1\n");
  REQUIRE(found.size() == 5);
  CHECK(found[0].value == "a \\n # b");
  CHECK(found[0].column == 3);
  CHECK(found[1].value == "line\nnext \"q\" back\\slash $HOME \\z");
  CHECK(found[2].value.empty());
  CHECK(found[3].value == "first\nsecond");
  CHECK(found[3].line == 4);
  CHECK(found[4].key == "AFTER");
  CHECK(found[4].line == 6);
}

TEST_CASE("dotenv: every assignment is kept, the last one of a key comes last", "[env_sources]")
{
  const auto found = dotenv_ok("SANDBOX_CPU_SEC=30\nSANDBOX_CPU_SEC=60\n");
  REQUIRE(found.size() == 2);
  CHECK(found.back().value == "60");
  CHECK(found.back().line == 2);
}

TEST_CASE("dotenv: malformed lines name file, line and column", "[env_sources]")
{
  CHECK(dotenv_error("A=1\nJUST_A_WORD\n") == ".env:2:12: expected `=` after `JUST_A_WORD`");
  CHECK(dotenv_error("A=1\n\n  1KEY=2\n") == ".env:3:3: invalid variable name `1KEY`: it must not start with a digit");
  CHECK(dotenv_error("MY-KEY=1\n") == ".env:1:3: invalid character `-` in variable name `MY`");
  CHECK(dotenv_error("=1\n") == ".env:1:1: expected a variable name, found `=`");
  CHECK(dotenv_error("A=1\nB='open\nC=2\n") == ".env:2:3: unterminated single-quoted value (no closing `'`)");
  CHECK(dotenv_error("B=\"open\\\"\n") == ".env:1:3: unterminated double-quoted value (no closing `\"`)");
  CHECK(dotenv_error("B=\"x\" y\n") == ".env:1:7: unexpected `y` after the closing quote (a comment starts with `#`)");
  CHECK(dotenv_error("export\n") == ".env:1:7: expected `=` after `export`");
  CHECK(dotenv_error("A B=1\n") == ".env:1:3: expected `=` after `A`, found `B`");
}

TEST_CASE("dotenv: empty text has no assignments", "[env_sources]")
{
  CHECK(dotenv_ok("").empty());
  CHECK(dotenv_ok("\n\n# nothing\n").empty());
}

TEST_CASE("manifest: Kubernetes Deployment with two containers and an init container", "[env_sources]")
{
  const std::string text = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          env:
            - name: SANDBOX_MEM_MB
              value: "1024"
      containers:
        - name: app
          env:
            - name: OTHER
              value: "x"
            - name: SANDBOX_CPU_SEC
              value: "30"
        - name: sidecar
          env:
            - name: SANDBOX_CPU_SEC
              value: 30
            - name: SANDBOX_MEM_MB
              valueFrom:
                secretKeyRef: {name: limits, key: mem}
)";
  const auto found = manifest_ok(text);
  REQUIRE(found.size() == 4);
  CHECK(found[0].key == "SANDBOX_MEM_MB");
  CHECK(found[0].value == "1024");
  CHECK(found[0].line == 12);
  CHECK(found[0].column == 22);
  CHECK(found[1].key == "SANDBOX_CPU_SEC");
  CHECK(found[1].value == "30");
  CHECK(found[1].line == 19);
  CHECK(found[2].key == "SANDBOX_CPU_SEC");
  CHECK(found[2].line == 23);
  CHECK(found[2].column == 22);
  CHECK(found[3].key == "SANDBOX_MEM_MB");
  CHECK_FALSE(found[3].literal);
  CHECK(found[3].line == 26);
}

TEST_CASE("manifest: several documents, a CronJob and a ConfigMap", "[env_sources]")
{
  const std::string text = R"(---
apiVersion: v1
kind: ConfigMap
metadata: {name: limits}
data:
  SANDBOX_MEM_MB: "2048"
---
apiVersion: batch/v1
kind: CronJob
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              env: [{name: SANDBOX_CPU_SEC, value: "45"}]
...
)";
  const auto found = manifest_ok(text);
  REQUIRE(found.size() == 2);
  CHECK(found[0].key == "SANDBOX_MEM_MB");
  CHECK(found[0].value == "2048");
  CHECK(found[0].line == 6);
  CHECK(found[1].key == "SANDBOX_CPU_SEC");
  CHECK(found[1].value == "45");
  CHECK(found[1].line == 17);
}

TEST_CASE("manifest: docker-compose environment as a map and as a list", "[env_sources]")
{
  const std::string text = R"(services:
  web:
    image: web
    environment:
      SANDBOX_CPU_SEC: 30
      SANDBOX_MEM_MB:
  worker:
    environment:
      - SANDBOX_CPU_SEC=60
      - "SANDBOX_MEM_MB=512"
      - IGNORED=1
      - SANDBOX_MEM_MB
)";
  const auto found = manifest_ok(text);
  REQUIRE(found.size() == 5);
  CHECK(found[0].value == "30");
  CHECK(found[0].line == 5);
  CHECK(found[0].column == 24);
  CHECK(found[1].key == "SANDBOX_MEM_MB");
  CHECK_FALSE(found[1].literal); // `KEY:` passes the shell's value through
  CHECK(found[2].key == "SANDBOX_CPU_SEC");
  CHECK(found[2].value == "60");
  CHECK(found[2].line == 9);
  CHECK(found[2].column == 25);
  CHECK(found[3].value == "512");
  CHECK(found[3].column == 25);
  CHECK(found[4].key == "SANDBOX_MEM_MB");
  CHECK_FALSE(found[4].literal);
}

TEST_CASE("manifest: a plain top-level map", "[env_sources]")
{
  const auto found = manifest_ok("# limits\nSANDBOX_CPU_SEC: 30\nSANDBOX_MEM_MB: '2048'\nunrelated: 1\n");
  REQUIRE(found.size() == 2);
  CHECK(found[0].value == "30");
  CHECK(found[0].line == 2);
  CHECK(found[0].column == 18);
  CHECK(found[1].value == "2048");
}

TEST_CASE("manifest: every key when none is asked for", "[env_sources]")
{
  const auto found = manifest_ok("A: 1\nB: two\nC: {nested: true}\n", {});
  REQUIRE(found.size() == 2);
  CHECK(found[1].key == "B");
  CHECK(found[1].value == "two");
}

TEST_CASE("manifest: values keep their text", "[env_sources]")
{
  const auto found = manifest_ok("SANDBOX_CPU_SEC: 0x1E\nSANDBOX_MEM_MB: 1e3\n");
  REQUIRE(found.size() == 2);
  CHECK(found[0].value == "0x1E");
  CHECK(found[1].value == "1e3");
}

TEST_CASE("manifest: an aliased env list counts once", "[env_sources]")
{
  const std::string text = R"(x-env: &env
  - {name: SANDBOX_CPU_SEC, value: "30"}
spec:
  containers:
    - {name: a, env: *env}
    - {name: b, env: *env}
)";
  const auto found = manifest_ok(text);
  REQUIRE(found.size() == 1);
  CHECK(found[0].line == 2);
}

TEST_CASE("manifest: errors name file, line and column", "[env_sources]")
{
  CHECK(manifest_error("a: 1\nb: [1, 2\nc: 3\n").starts_with("deploy/manifest.yaml:"));
  const std::string bad_indent = manifest_error("spec:\n  a: 1\n b: 2\n");
  CHECK(bad_indent.starts_with("deploy/manifest.yaml:3:"));
  CHECK(manifest_error("SANDBOX_CPU_SEC: [30]\n") ==
        "deploy/manifest.yaml:1:18: `SANDBOX_CPU_SEC` must be a plain value, not a list");
  CHECK(manifest_error("env:\n  - name: SANDBOX_MEM_MB\n    value: {a: 1}\n") ==
        "deploy/manifest.yaml:3:12: `SANDBOX_MEM_MB` must be a plain value, not a mapping");
}

TEST_CASE("manifest: a stray comma is an error, not endless empty documents", "[env_sources]")
{
  CHECK(manifest_error(",\n") ==
        "deploy/manifest.yaml:1:1: unexpected `,` (a `,` separates items only inside [...] or {...})");
  CHECK(manifest_error("SANDBOX_CPU_SEC: 30\n...\n, x\n").starts_with("deploy/manifest.yaml:3:1: unexpected `,`"));
}

TEST_CASE("manifest: an alias that contains itself is an error, not a hang", "[env_sources]")
{
  const std::string message = manifest_error("a: &x [*x]\n");
  CHECK(message.find("nested more than") != std::string::npos);
}

TEST_CASE("manifest: a billion laughs stops early", "[env_sources]")
{
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 6; ++level) {
    const std::string previous = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) {
      text += (i == 0 ? "" : ", ") + previous;
    }
    text += "]\n";
  }
  CHECK(manifest_error(text).find("more than 100000 nodes to read") != std::string::npos);
}

TEST_CASE("manifest: empty documents have no assignments", "[env_sources]")
{
  CHECK(manifest_ok("").empty());
  CHECK(manifest_ok("---\n---\n").empty());
  CHECK(manifest_ok("just a scalar\n").empty());
}
