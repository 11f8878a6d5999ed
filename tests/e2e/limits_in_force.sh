#!/usr/bin/env bash
# The limits in force (DESIGN.md §7.3) are read from the candidate commit before any check runs: a
# check that rewrites .env at run time changes neither what `sandbox-limits` validates nor the
# limits the later checks run under, nor what the promotion record says.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
promote_repo "$repo"
printf 'SANDBOX_CPU_SEC=20\nSANDBOX_MEM_MB=3000\n' >"$repo/.env"
cat >"$repo/tollgate.yaml" <<'YAML'
version: 1
release:
  repository: example.com/promote
  signing_key: ada@example.com
checks:
  - command: {id: rewrite, run: "sh -c 'printf \"SANDBOX_CPU_SEC=500\\nSANDBOX_MEM_MB=60000\\n\" >.env'"}
  - sandbox-limits: {sources: [.env], max: {SANDBOX_CPU_SEC: 600, SANDBOX_MEM_MB: 65536}}
  - command: {id: cpu, run: "bash -c 'test $(ulimit -t) -le 20'"}
  - approvals: {}
YAML
git -C "$repo" add -A
git -C "$repo" commit -q -m "feat: limits"
approve_head "$repo"

tg -C "$repo" promote
expect_code 0 "promoted"
expect_out "^pass +rewrite" "the rewrite check ran (on the snapshot: the test proves something)"
grep -q SANDBOX_CPU_SEC=20 "$repo/.env" || fail "the check rewrote the work tree: it must run on a snapshot"
expect_out "^pass +sandbox-limits .*SANDBOX_CPU_SEC=20 " "sandbox-limits read the committed .env"
expect_out "^pass +cpu" "later checks ran under 20 s of CPU"
message=$(git -C "$repo" cat-file tag v0.1.0)
grep -Eq "^Sandbox: confine=on backend=[a-z]+ cpu=20s mem=3000MiB net=none procs=512$" <<<"$message" ||
  fail "the record states the committed limits: $message"

# `tollgate check` on the work tree still reads the work tree (a dirty .env is what it judges).
printf 'SANDBOX_CPU_SEC=700\n' >"$repo/.env"
tg -C "$repo" check --only sandbox-limits
expect_code 1 "check reads the work tree's .env"
expect_out "SANDBOX_CPU_SEC=700 at .env:1 exceeds the maximum of 600" "names the work tree's value"

# An invalid committed value does not apply: the check fails, the configured limits stay.
git -C "$repo" checkout -q .env
printf 'SANDBOX_CPU_SEC=lots\nSANDBOX_MEM_MB=3000\n' >"$repo/.env"
git -C "$repo" commit -q -am "fix: bad limits"
approve_head "$repo"
tg -C "$repo" --json promote
expect_code 1 "an invalid .env is refused"
[ "$(json_get '[c["status"] for c in d["checks"]["checks"] if c["id"] == "sandbox-limits"][0]')" = fail ] ||
  fail "sandbox-limits failed: $OUT"

finish
