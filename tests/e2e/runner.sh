# The checklist runner: order, fail-fast, --keep-going, --only/--skip, when_exists, per-check timeout,
# --jobs (concurrent, reported in declared order), --json, --junit, GitHub annotations, log tails.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: first, run: echo first}
  - command: {id: broken, run: "sh -c 'for i in $(seq 1 30); do echo line-$i; done; exit 4'"}
  - command: {id: third, run: echo third}
  - command: {id: optional, run: echo optional, when_exists: optional.txt}
YAML

# --jobs 1: one check at a time, so fail-fast leaves `third` unstarted (by default checks run at
# once, one per CPU, and `third` may already be running when `broken` fails).
tg -C "$repo" check --jobs 1
expect_code 1 "fail-fast"
expect_out '^pass +first' "first passes"
expect_out '^fail +broken .*exit 4 \(namespaces\): line-30' "broken fails with its exit code and last line"
expect_out '^skipped +third .*not run: `broken` failed' "third is skipped after the failure"
expect_out 'line-11$' "the tail shows the 20th line from the end"
expect_no_out 'line-10$' "the tail stops at 20 lines"
expect_out 'checklist failed: 1 passed, 1 failed, 2 skipped' "closing line"

tg -C "$repo" check --keep-going
expect_code 1 "--keep-going still fails"
expect_out '^pass +third' "--keep-going runs third"
expect_out '^skipped +optional .*optional.txt does not exist' "when_exists skips"

touch "$repo/optional.txt"
tg -C "$repo" check --skip broken
expect_code 0 "--skip the broken check"
expect_out '^skipped +broken .*--skip' "reported as skipped"
expect_out '^pass +optional' "when_exists runs once the file exists"

tg -C "$repo" check --only third
expect_code 0 "--only"
expect_out '^skipped +first .*not selected' "others not selected"

tg -C "$repo" check --only thrid
expect_code 2 "--only with an unknown id"
expect_err 'no check with id `thrid`, did you mean `third`\?' "suggests the id"

# Per-check timeout ends the whole tree.
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: slow, run: "sleep 30", timeout: 1}
YAML
start=$(date +%s%N)
tg -C "$repo" check
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_code 1 "timeout fails the check"
expect_out '^fail +slow .*killed: wall-clock timeout of 1 s' "names the timeout"
[ "$elapsed" -lt 8000 ] || fail "timeout took ${elapsed} ms"

# --jobs: concurrent checks overlap and are still reported in declared order.
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: a, run: "sleep 2"}
  - command: {id: b, run: "sleep 0.2"}
  - command: {id: c, run: "sleep 2"}
  - command: {id: d, run: "sleep 2"}
YAML
# One after another they take at least 6.2 s; at once about 2 s plus start-up, which a loaded
# machine (sanitizers, parallel ctest) stretches: hence the wide margin.
start=$(date +%s%N)
tg -C "$repo" check --jobs 4
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_code 0 "--jobs 4"
[ "$elapsed" -lt 5000 ] || fail "--jobs 4 took ${elapsed} ms: not concurrent"
order=$(grep -Eo '^pass +[a-d]' <<<"$OUT" | awk '{print $2}' | tr -d '\n')
[ "$order" = abcd ] || fail "results not in declared order: $order"

# JSON is one document; JUnit is written; GitHub annotations under Actions.
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: ok, run: "true"}
  - command: {id: bad, run: "sh -c 'echo boom: 50%; exit 1'"}
YAML
tg -C "$repo" --json check --junit "$E2E_TMP/junit.xml" --keep-going
expect_code 1 "json run"
[ "$(json_get 'd["status"]')" = fail ] || fail "json status"
[ "$(json_get 'len(d["checks"])')" = 2 ] || fail "json has both checks"
[ "$(json_get 'd["checks"][1]["summary"]')" = "exit 1 (namespaces): boom: 50%" ] || fail "json summary: $(json_get 'd["checks"][1]["summary"]')"
grep -q '<testcase name="bad"' "$E2E_TMP/junit.xml" || fail "junit has the failing case"
grep -q '<failure message="exit 1 (namespaces): boom: 50%"' "$E2E_TMP/junit.xml" || fail "junit failure message"
/usr/bin/python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$E2E_TMP/junit.xml" || fail "junit is not well-formed XML"

GITHUB_ACTIONS=true tg -C "$repo" check --keep-going
expect_out '^::error title=tollgate bad::bad failed: exit 1 \(namespaces\): boom: 50%25$' "GitHub annotation, escaped"

# Logs live under .git/tollgate/logs/<run>/<id>.log.
log=$(ls "$repo"/.git/tollgate/logs/*/bad.log | tail -n 1)
grep -q 'boom' "$log" || fail "captured log"

finish
