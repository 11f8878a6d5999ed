# The `policies` check: deny messages fail `tollgate check` and are shown; warnings are shown; the
# input carries the sandbox limits, changed files and commits (DESIGN.md §6).
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
mkdir -p "$repo/policies"
cat >"$repo/policies/deploy.rego" <<'REGO'
package deploy
import rego.v1

deny contains msg if {
  some path in input.changed_files
  startswith(path, "secrets/")
  msg := sprintf("%s must not be committed", [path])
}

warn contains msg if {
  input.sandbox.SANDBOX_CPU_SEC > 60
  msg := sprintf("CPU limit %d is high", [input.sandbox.SANDBOX_CPU_SEC])
}

deny contains "commits must follow Conventional Commits" if {
  some commit in input.commits
  commit.type == ""
}
REGO
printf 'SANDBOX_CPU_SEC=120\nSANDBOX_MEM_MB=1024\n' >"$repo/.env"
write_config "$repo" <<'YAML'
version: 1
checks:
  - sandbox-limits: {sources: [.env]}
  - policies: {}
YAML
git -C "$repo" add -A
git -C "$repo" commit -q -m "feat: policies"

tg -C "$repo" check
expect_code 0 "no deny: the check passes"
expect_out 'policies .*1 package allow; 1 warning' "summary counts the warning"
expect_out 'CPU limit 120 is high' "the warning is shown"

# From now on the policies are read at `stable`: a change that deletes the rule judging it is still
# judged by it.
git -C "$repo" tag stable
mkdir -p "$repo/secrets"
echo "token" >"$repo/secrets/key.txt"
git -C "$repo" rm -q policies/deploy.rego
mkdir -p "$repo/policies"
echo 'package deploy' >"$repo/policies/deploy.rego"
git -C "$repo" add -A
git -C "$repo" commit -q -m "add a key"

tg -C "$repo" check
expect_code 1 "a deny fails the check"
expect_out 'secrets/key\.txt must not be committed' "the deny message is shown"
expect_out 'commits must follow Conventional Commits' "commits come from the history"

tg -C "$repo" --json check
expect_code 1 "--json: same verdict"
[ "$(json_get '[c for c in d["checks"] if c["id"] == "policies"][0]["details"]["deny"][0]["package"]')" = "deploy" ] ||
  fail "details name the package: $OUT"

git -C "$repo" tag -d stable >/dev/null
printf 'package deploy\np {\n' >"$repo/policies/broken.rego"
git -C "$repo" add -A
git -C "$repo" commit -q -m "chore: a broken policy"
tg -C "$repo" check
expect_code 3 "a broken policy cannot run"
expect_out 'policies/broken\.rego:3:1' "names file:line:col relative to the repository"

finish
