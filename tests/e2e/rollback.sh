#!/usr/bin/env bash
# tollgate rollback (redeploy stable, here or in --worktree), rollback --demote (stable moves back,
# signed, with the reason in the audit log), history, and a promotion going forward again.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
promote_repo "$repo"
cat >>"$repo/tollgate.yaml" <<YAML
rollback:
  deploy: "sh -c 'test ! -e $E2E_TMP/deploy-broken && echo {{tag}} {{version}} {{commit}} > $E2E_TMP/deployed'"
YAML
git -C "$repo" commit -q -am "feat: deploy on rollback"
approve_head "$repo"
"$TOLLGATE" -C "$repo" promote >/dev/null 2>&1 || fail "first promotion"
echo "print('two')" >"$repo/app.py"
git -C "$repo" commit -q -am "feat: two"
approve_head "$repo"
"$TOLLGATE" -C "$repo" promote >/dev/null 2>&1 || fail "second promotion"
v1=$(git -C "$repo" rev-parse 'v0.1.0^{commit}')
v2=$(git -C "$repo" rev-parse 'v0.2.0^{commit}')

before=$(snapshot "$repo")
tg -C "$repo" rollback --dry-run
expect_code 0 "rollback --dry-run"
expect_out "would check out v0.2.0" "names the release"
expect_out "would run, in the sandbox: sh -c 'test ! -e .* && echo v0.2.0 0.2.0 $v2" "fills in the deploy command"
[ "$(snapshot "$repo")" = "$before" ] || fail "--dry-run changed something"
[ ! -e "$E2E_TMP/deployed" ] || fail "--dry-run deployed"

tg -C "$repo" rollback
expect_code 0 "rollback redeploys stable"
[ "$(git -C "$repo" rev-parse HEAD)" = "$v2" ] || fail "HEAD is stable's commit"
git -C "$repo" symbolic-ref -q HEAD >/dev/null && fail "HEAD is detached"
[ "$(cat "$E2E_TMP/deployed")" = "v0.2.0 0.2.0 $v2" ] || fail "deploy ran with the placeholders: $(cat "$E2E_TMP/deployed")"
git -C "$repo" checkout -q main

tg -C "$repo" rollback --demote
expect_code 2 "--demote needs a reason"
expect_err "reason" "says so"
tg -C "$repo" rollback --demote --to v9.9.9 --reason "typo"
expect_code 2 "--demote to a release that does not exist"

tg -C "$repo" rollback --demote --reason "v0.2.0 corrupts data" --worktree "$E2E_TMP/wt"
expect_code 0 "demote to the previous stable release"
expect_out "demoted v0.2.0: stable -> v0.1.0" "says what moved"
[ "$(git -C "$repo" rev-parse 'stable^{commit}')" = "$v1" ] || fail "stable is back on v0.1.0"
[ "$(git -C "$repo" rev-parse HEAD)" = "$v2" ] || fail "the branch did not move"
[ "$(cat "$E2E_TMP/wt/app.py")" = "print('hello')" ] || fail "--worktree holds v0.1.0's files"
[ "$(cat "$E2E_TMP/deployed")" = "v0.1.0 0.1.0 $v1" ] || fail "v0.1.0 was deployed"
git -C "$repo" tag -v stable >/dev/null 2>&1 || fail "the demoted stable tag is signed"
git -C "$repo" cat-file tag stable | grep -q "^Reason: v0.2.0 corrupts data$" || fail "the reason is in the stable tag"
tg -C "$repo" verify
expect_code 0 "the demoted stable verifies"

tg -C "$repo" rollback --demote --to v0.2.0 --reason "forward"
expect_code 2 "--demote never moves stable forward"
expect_err "not an earlier release" "says why"
tg -C "$repo" --json rollback --dry-run
expect_code 0 "rollback --dry-run --json"
[ "$(json_get 'd["stable"]')" = v0.1.0 ] || fail "--json dry run names the release"

tg -C "$repo" history
expect_code 0 "history"
first=$(sed -n 1p <<<"$OUT")
grep -q "demote .*v0.1.0 .*from v0.2.0, reason: v0.2.0 corrupts data" <<<"$first" || fail "newest first: the demotion: $first"
[ "$(grep -c ' promote ' <<<"$OUT")" = 2 ] || fail "two promotions in the history"
tg -C "$repo" --json history -n 2
[ "$(json_get 'len(d["events"])')" = 2 ] || fail "-n 2 limits the events"

# Forward again from the demoted-to release.
echo "print('three')" >"$repo/app.py"
git -C "$repo" commit -q -am "fix: three"
approve_head "$repo"
tg -C "$repo" promote
expect_code 0 "a later promotion goes forward"
expect_out "promoted v0.2.1" "above every release so far"
git -C "$repo" cat-file tag stable | grep -q "^Previous-stable: v0.1.0 $v1$" || fail "from the demoted-to release"
tg -C "$repo" rollback --demote --reason "again" --dry-run
expect_code 0 "a second demotion, dry run"
expect_out "from v0.2.1 back to v0.1.0" "goes to the release before v0.2.1, not to the one demoted earlier"

# A demotion whose redeploy fails: stable stays demoted, the log holds the demotion once and
# verifies, and the message says how to retry the redeploy alone; that retry demotes nothing again.
v3=$(git -C "$repo" rev-parse 'v0.2.1^{commit}')
touch "$E2E_TMP/deploy-broken"
rm -f "$E2E_TMP/deployed"
tg -C "$repo" rollback --demote --reason "v0.2.1 leaks memory" --worktree "$E2E_TMP/wt3"
expect_code 3 "a failed redeploy after the demotion is an environment error"
expect_out "demoted v0.2.1: stable -> v0.1.0" "the demotion itself happened"
expect_out "deploy FAILED: exit 1" "says the deploy failed"
expect_err "stable stays demoted to v0.1.0.*run \`tollgate rollback\` \(without --demote\) to retry the redeploy alone" \
  "says how to retry the redeploy alone"
expect_err "wt3 holds the release already: remove it, or name another --worktree" "says the directory is taken"
[ "$(git -C "$repo" rev-parse 'stable^{commit}')" = "$v1" ] || fail "stable stays demoted after the failed deploy"
[ ! -e "$E2E_TMP/deployed" ] || fail "the broken deploy deployed"
log_after_demotion=$(git -C "$repo" rev-parse refs/tollgate/log)
stable_after_demotion=$(git -C "$repo" rev-parse refs/tags/stable)
log_subjects=$(git -C "$repo" log --format=%s refs/tollgate/log)
[ "$(grep -c "^demote v0.2.1 -> v0.1.0: v0.2.1 leaks memory$" <<<"$log_subjects")" = 1 ] ||
  fail "the audit log records the demotion once: $log_subjects"
tg -C "$repo" verify
expect_code 0 "stable and the audit log verify after the failed deploy"
rm "$E2E_TMP/deploy-broken"
tg -C "$repo" rollback --worktree "$E2E_TMP/wt4"
expect_code 0 "the redeploy alone, retried"
expect_no_out "demoted" "the retry does not demote again"
[ "$(cat "$E2E_TMP/deployed")" = "v0.1.0 0.1.0 $v1" ] || fail "the retry deployed v0.1.0"
[ "$(git -C "$repo" rev-parse refs/tags/stable)" = "$stable_after_demotion" ] || fail "the retry moved stable"
[ "$(git -C "$repo" rev-parse refs/tollgate/log)" = "$log_after_demotion" ] || fail "the retry wrote to the audit log"
[ "$(git -C "$repo" rev-parse 'v0.2.1^{commit}')" = "$v3" ] || fail "the release tag is untouched"
touch "$E2E_TMP/deploy-broken"
tg -C "$repo" --json rollback --worktree "$E2E_TMP/wt5"
expect_code 3 "a failed redeploy without a demotion"
[ "$(json_get 'd["deployed"]')" = False ] || fail "--json says nothing was deployed"
[ "$(json_get 'd["retry"]')" = "tollgate rollback" ] || fail "--json names the retry"
rm "$E2E_TMP/deploy-broken"

finish
