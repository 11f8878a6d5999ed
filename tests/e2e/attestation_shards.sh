#!/usr/bin/env bash
# Fan-out: two CI clones each run and attest one pytest shard (`check --attest --shard I/2`); the
# shards split the tests by node id hash, disjoint and complete; a promotion counts pytest as
# attested only when both shards are present. `ci matrix --shards N` prints the jobs' matrix.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/attest_lib.bash"

tg ci matrix --shards 2
expect_code 0 "ci matrix"
[ "$OUT" = '{"include":[{"shard":"1/2"},{"shard":"2/2"}]}' ] || fail "ci matrix prints one line of JSON: $OUT"
tg ci matrix --shards 0
expect_code 2 "ci matrix refuses 0 shards"
tg check --attest --shard 3/2 --key "$CI"
expect_code 2 "a shard beyond its count is a usage error"
expect_err "not a shard" "the error says so"
tg check --shard 1/2
expect_code 2 "--shard without --attest"

for shard in 1 2; do
  git clone -q "$origin" "$E2E_TMP/ci$shard" 2>/dev/null
  tg -C "$E2E_TMP/ci$shard" check --attest --key "$CI" --shard "$shard/2"
  expect_code 0 "CI attests shard $shard/2"
  expect_out "attested pytest \(pass\) as CI Bot <ci@example.com>: refs/tollgate/attestations/$TREE/pytest/shard-$shard-of-2/$CI" \
    "shard $shard's ref"
done
expect_out "skipped +unit +runs in shard 1/2" "shard 2 leaves the other command checks to shard 1"
expect_out "skipped +approvals +not attested: judged at the promotion itself" "says why approvals are not attested"
# The shards are disjoint and together run every test, each exactly once.
for n in 0 1 2 3 4 5 6 7; do
  runs=$(cat "$E2E_TMP"/ci1/.git/tollgate/logs/*/pytest.log "$E2E_TMP"/ci2/.git/tollgate/logs/*/pytest.log |
    grep -c "test-$n-ran")
  [ "$runs" = 1 ] || fail "test $n ran $runs times over the two shards"
done
for shard in 1 2; do
  cat "$E2E_TMP"/ci$shard/.git/tollgate/logs/*/pytest.log | grep -q "test-.-ran" ||
    fail "shard $shard ran no test (the hash split 8 tests 8/0: pick other names)"
done

# Only shard 1 reaches the maintainer: pytest is not attested, and runs.
git -C "$E2E_TMP/ci1" push -q origin 'refs/tollgate/*:refs/tollgate/*' 2>/dev/null || fail "ci1 cannot push"
git fetch -q origin 'refs/tollgate/*:refs/tollgate/*'
tg attestations
expect_out "✔ pytest shard 1/2 by CI" "shard 1 counts"
expect_out "✘ pytest: not attested: shard 2/2 missing" "the listing names the missing shard"
clear_logs
tg promote --dry-run
expect_code 0 "one shard of two: the promotion runs pytest"
ran "$MARKER" || fail "one shard of two: pytest did not run"

# Both shards: pytest is attested, and does not run.
git -C "$E2E_TMP/ci2" push -q origin 'refs/tollgate/*:refs/tollgate/*' 2>/dev/null || fail "ci2 cannot push"
git fetch -q origin 'refs/tollgate/*:refs/tollgate/*'
tg attestations
expect_out "✔ pytest: attested in 2 shards by CI" "both shards: attested"
clear_logs
tg --json promote --dry-run
expect_code 0 "both shards: the dry run"
ran "$MARKER" && fail "both shards: pytest ran on the promoter's side"
[ "$(json_get '[c for c in d["checks"]["checks"] if c["id"] == "pytest"][0]["details"]["passed"]')" = 8.0 ] ||
  [ "$(json_get '[c for c in d["checks"]["checks"] if c["id"] == "pytest"][0]["details"]["passed"]')" = 8 ] ||
  fail "the shards' passed counts add up to 8"
tg promote
expect_code 0 "the promotion with two attested shards"
[ "$(git cat-file tag v0.2.0 | grep -c '^Attested-by: pytest ')" = 2 ] || fail "the record names both shards"

finish
