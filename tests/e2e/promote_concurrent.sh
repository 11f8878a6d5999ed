#!/usr/bin/env bash
# Eight promotions of the same candidate at once: exactly one release is made; every other one
# fails (the lock, a compare-and-swap refusal, or a check that no longer passes on the new tip),
# and the refs and the CHANGELOG are consistent afterwards.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
promote_repo "$repo"
approve_head "$repo"
for i in 1 2 3 4 5 6 7 8; do
  ("$TOLLGATE" -C "$repo" promote >"$E2E_TMP/out.$i" 2>"$E2E_TMP/err.$i"; echo $? >"$E2E_TMP/code.$i") &
done
wait
ok=0
for i in 1 2 3 4 5 6 7 8; do
  code=$(cat "$E2E_TMP/code.$i")
  if [ "$code" = 0 ]; then
    ok=$((ok + 1))
  elif ! grep -Eq "another promotion holds the lock|changed by someone else|promotion refused" "$E2E_TMP/err.$i"; then
    fail "promotion $i failed without a clear reason (exit $code): $(cat "$E2E_TMP/err.$i")"
  fi
done
[ "$ok" = 1 ] || fail "exactly one promotion succeeds, not $ok"
[ "$(git -C "$repo" tag -l 'v*')" = "v0.1.0" ] || fail "exactly one release tag"
[ "$(grep -c '^## \[0.1.0\]' "$repo/CHANGELOG.md")" = 1 ] || fail "one changelog entry"
[ "$(git -C "$repo" rev-list --count refs/tollgate/log)" = 1 ] || fail "one audit-log entry"
[ "$(git -C "$repo" rev-parse stable^{commit})" = "$(git -C "$repo" rev-parse HEAD)" ] || fail "stable is the tip"
[ -z "$(git -C "$repo" status --porcelain)" ] || fail "the work tree is clean"
git -C "$repo" fsck --no-progress >/dev/null 2>&1 || fail "git fsck"

finish
