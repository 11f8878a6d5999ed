#!/usr/bin/env bash
# Staged promotion (docs/stages.md) with real keys and a bare remote: promote cuts a release into
# `staging`; `promote --stage stable` moves it on only after the soak, the sign-offs and a passing
# verify, with `stable` and `staging` naming the same release tag object; deploy and verify come from
# the trust root, never from the candidate; `rollback --demote --stage staging` moves staging alone;
# `verify` refuses a release moved to stable by hand, past the stage path.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

remote="$E2E_TMP/remote.git"
git init -q --bare -b main "$remote"
repo="$E2E_TMP/repo"
promote_repo "$repo"
git -C "$repo" remote add origin "$remote"
deployed="$E2E_TMP/deployed"
cat >>"$repo/tollgate.yaml" <<YAML
  stages:
    - {name: staging, deploy: "sh -c 'echo {{tag}} {{stage}} >> $deployed'"}
    - {name: stable, deploy: "sh -c 'echo {{tag}} {{stage}} >> $deployed'", after: staging, soak: 15s, signoffs: 1,
       verify: "sh -c 'echo smoke {{tag}}; test ! -e $E2E_TMP/verify-broken'"}
YAML
# soak_passed: waits until staging's release has been there for stable's soak (15 s from the signed
# time of the staging tag). The soak is long enough for the refusals before it even under the
# sanitizers, and the wait is only what is left of it.
soak_passed() {
  local since
  since=$(git -C "$repo" for-each-ref --format='%(taggerdate:unix)' refs/tags/staging)
  while [ "$(date +%s)" -le $((since + 16)) ]; do sleep 0.5; done
}
# The stages belong under release: (promote_repo's tollgate.yaml ends with checks:), so rewrite it.
/usr/bin/python3 - "$repo/tollgate.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
head, stages = text.split("  stages:\n", 1)
checks_at = head.index("checks:")
open(path, "w").write(head[:checks_at] + "  stages:\n" + stages + head[checks_at:])
PY
git -C "$repo" commit -q -am "feat: stages"
approve_head "$repo"
tag_object() { git -C "$repo" rev-parse "refs/tags/$1"; }

# A mistake in release.stages names file:line:col (exit 2); the control, the real file, loads.
bad="$E2E_TMP/bad"
new_repo "$bad"
printf 'release:\n  stages:\n    - {name: staging}\n    - {name: stable, soak: soon}\n' >"$bad/tollgate.yaml"
tg -C "$bad" promote --stage stable
expect_code 2 "a malformed soak"
expect_err "^tollgate: error: tollgate.yaml:4:28: \`soak\` must be a duration" "names file:line:col"
printf 'release:\n  stages:\n    - {name: staging}\n    - {name: production}\n' >"$bad/tollgate.yaml"
tg -C "$bad" rollback --stage staging
expect_code 2 "the last stage is not stable"
expect_err "tollgate.yaml:4:14: the last stage is the stable one" "says which name it needs"
tg -C "$repo" doctor
[ "$CODE" -ne 2 ] || fail "control: the scenario's tollgate.yaml loads: $ERR"
# release_named STAGE: the release tag object STAGE's record names.
release_named() { git -C "$repo" cat-file tag "$1" | awk '$1=="Release:"{print $3}'; }

# The cut goes to staging, not to stable, and staging's deploy runs.
tg -C "$repo" promote --push origin
expect_code 0 "promote cuts v0.1.0 into staging"
expect_out "promoted v0.1.0: staging -> v0.1.0" "names the stage"
[ "$(release_named staging)" = "$(tag_object v0.1.0)" ] || fail "staging names v0.1.0's tag object"
git -C "$repo" rev-parse -q --verify refs/tags/stable >/dev/null && fail "the cut moved stable"
[ "$(cat "$deployed")" = "v0.1.0 staging" ] || fail "staging's deploy ran: $(cat "$deployed" 2>/dev/null)"
git -C "$repo" tag -v staging >/dev/null 2>&1 || fail "the staging tag is signed"
[ "$(git -C "$remote" rev-parse refs/tags/staging)" = "$(tag_object staging)" ] || fail "staging was pushed"
tg -C "$repo" verify v0.1.0
expect_code 0 "v0.1.0 at staging verifies"

# Bare tollgate: each stage's release, since when, and what the next move waits for.
tg -C "$repo"
expect_code 0 "status"
expect_out "^  staging: v0.1.0 since [0-9-]+ [0-9:]+Z$" "status: staging's release and since when"
expect_out "^  stable: no release yet; v0.1.0 waits for [0-9]+s of soak, 1 more sign-off \(\`tollgate approve --stage stable v0.1.0\`\)$" \
  "status: what the move to stable waits for"

# A staging tag re-made by hand with an old date (signed by a maintainer, well-formed) would have
# soaked for years: refused, since no signed audit-log entry put it there.
staging_was=$(tag_object staging)
printf 'staging -> v0.1.0\n\nTollgate-Stable: v1\nStage: staging\nRelease: v0.1.0 %s\nPrevious-stable: none\n' \
  "$(tag_object v0.1.0)" >"$E2E_TMP/old-staging"
GIT_COMMITTER_DATE="2020-01-01T00:00:00Z" git -C "$repo" tag -f -s -u "$ADA" -F "$E2E_TMP/old-staging" staging \
  'v0.1.0^{commit}' >/dev/null 2>&1 || fail "the hand-made staging tag"
tg -C "$repo" promote --stage stable
expect_code 1 "a hand-made staging tag"
expect_err "the release at staging does not verify \(stage path: staging holds v0.1.0, but no signed audit-log entry moved it there\)" \
  "says why"
git -C "$repo" update-ref refs/tags/staging "$staging_was"

# Refused before the soak: nothing signed, nothing moved.
before=$(snapshot "$repo")
tg -C "$repo" promote --stage stable
expect_code 1 "before the soak"
expect_err "v0.1.0 has been at \`staging\` for [0-9]+s of the 15s soak \`stable\` requires" "says how long is left"
[ "$(snapshot "$repo")" = "$before" ] || fail "the refusal before the soak changed a ref"
soak_passed

# Refused before the sign-offs; a sign-off by a key of no maintainer does not count.
tg -C "$repo" promote --stage stable v0.1.0
expect_code 1 "before the sign-offs"
expect_err "0 of 1 sign-off of v0.1.0 for \`stable\`.*tollgate approve --stage stable v0.1.0" "says who must sign off"
gpg --batch --quiet --passphrase '' --quick-gen-key "Eve <eve@example.com>" ed25519 sign never 2>/dev/null
tg -C "$repo" approve --stage stable v0.1.0 --key eve@example.com
expect_code 0 "anyone can sign a sign-off"
expect_err "belongs to no maintainer" "warns that it will not count"
tg -C "$repo" promote --stage stable
expect_code 1 "a non-maintainer's sign-off does not count"
expect_err "0 of 1 sign-off.*not counted: .*unknown key" "says why"
tg -C "$repo" approve --stage staging v0.1.0 --key "$BOB"
expect_code 2 "no sign-off for the first stage"
tg -C "$repo" approve --stage stable v0.1.0 --key "$BOB"
expect_code 0 "bob signs off v0.1.0 for stable"
git -C "$repo" rev-parse -q --verify "refs/tollgate/signoffs/stable/v0.1.0/$BOB" >/dev/null || fail "the sign-off ref"

tg -C "$repo" --json
[ "$(json_get 'd["stages"][1]["waits_for"]')" = "[]" ] || fail "status --json: nothing left to wait for: $OUT"
[ "$(json_get 'd["stages"][1]["signoffs"]')" = 1 ] || fail "status --json counts bob's sign-off"
tg -C "$repo"
expect_out "stable: no release yet; v0.1.0 is ready to move here: \`tollgate promote --stage stable\` \(runs its verify\)" \
  "status: ready"

# Refused after a failing verify: its output is logged, nothing is signed.
touch "$E2E_TMP/verify-broken"
before=$(snapshot "$repo")
tg -C "$repo" promote --stage stable
expect_code 1 "a failing verify refuses the move"
expect_err "the verify of v0.1.0 for \`stable\` failed \(exit 1\); nothing was signed" "says the verify failed"
log=$(grep -o '/[^ ]*verify-stable.log' <<<"$ERR")
grep -q "smoke v0.1.0" "$log" || fail "the verify's output is logged"
[ "$(snapshot "$repo")" = "$before" ] || fail "the failed verify changed a ref"
rm "$E2E_TMP/verify-broken"

# A dry run says what would happen and changes nothing; a crash before the journal leaves nothing.
tg -C "$repo" promote --stage stable --version 9.9.9
expect_code 2 "a stage move cuts no version"
tg -C "$repo" promote --stage stable --abort
expect_code 2 "a stage move is no --abort"
tg -C "$repo" promote --stage production
expect_code 2 "an unknown stage"
expect_err "no stage \`production\` in release.stages at .* \(stages: staging, stable\)" "names the stages"
tg -C "$repo" promote --stage staging
expect_code 2 "the first stage is cut into, not moved to"
expect_err "\`staging\` is the first stage: \`tollgate promote\` \(without --stage\) cuts a release into it" "says so"
tg -C "$repo" promote --stage stable --dry-run
expect_code 0 "promote --stage --dry-run"
expect_out "sign \`stable\` -> v0.1.0" "the dry run names the move"
[ "$(snapshot "$repo")" = "$before" ] || fail "the dry run changed a ref"
TOLLGATE_FAULT=after-log-commit tg -C "$repo" promote --stage stable
[ "$CODE" -ne 0 ] || fail "the fault point killed the move"
[ "$(snapshot "$repo")" = "$before" ] || fail "a crash before the journal moved a ref"

# The move: stable and staging name the same release tag object; stable's deploy runs.
tg -C "$repo" promote --stage stable --push origin
expect_code 0 "v0.1.0 moves to stable"
expect_out "moved v0.1.0 from \`staging\` to \`stable\` \(held [0-9]+s, 1 sign-off, verify passed\)" "says what moved"
[ "$(release_named stable)" = "$(tag_object v0.1.0)" ] || fail "stable names v0.1.0's tag object"
[ "$(release_named stable)" = "$(release_named staging)" ] || fail "stable and staging name the same tag object"
[ "$(git -C "$repo" rev-parse 'stable^{commit}')" = "$(git -C "$repo" rev-parse 'staging^{commit}')" ] ||
  fail "stable and staging are on the same commit"
[ "$(tail -1 "$deployed")" = "v0.1.0 stable" ] || fail "stable's deploy ran"
git -C "$repo" cat-file tag stable | grep -q "^Sign-off: Bob Builder <bob@example.com> $BOB " || fail "the record names bob"
git -C "$repo" cat-file tag stable | grep -q "^Verify: pass sh -c" || fail "the record holds the verify result"
[ "$(git -C "$remote" rev-parse refs/tags/stable)" = "$(tag_object stable)" ] || fail "stable was pushed"
git -C "$remote" rev-parse -q --verify "refs/tollgate/signoffs/stable/v0.1.0/$BOB" >/dev/null || fail "the sign-off was pushed"
[ "$(git -C "$repo" log -1 --format=%s refs/tollgate/log)" = "stage v0.1.0 staging -> stable" ] || fail "the audit log"
tg -C "$repo" promote --stage stable
expect_code 1 "the same release twice"
for what in stable v0.1.0; do
  tg -C "$repo" verify "$what"
  expect_code 0 "verify $what after the move"
done

# A candidate that changes staging's deploy: the trust root's command runs, not the candidate's.
sed -i "s|{name: staging, deploy: .*|{name: staging, deploy: \"touch $E2E_TMP/candidate-deploy-ran\"}|" "$repo/tollgate.yaml"
sed -i "s|soak: 15s, signoffs: 1,|soak: 0s, signoffs: 0,|" "$repo/tollgate.yaml"
grep -q "soak: 0s, signoffs: 0," "$repo/tollgate.yaml" || fail "the candidate lowers the soak and the sign-offs"
echo "print('two')" >"$repo/app.py"
git -C "$repo" commit -q -am "feat: two, and another deploy"
approve_head "$repo"
tg -C "$repo" promote
expect_code 0 "v0.2.0 into staging"
[ ! -e "$E2E_TMP/candidate-deploy-ran" ] || fail "the candidate's deploy command ran"
[ "$(tail -1 "$deployed")" = "v0.2.0 staging" ] || fail "the trust root's deploy ran for v0.2.0"
[ "$(release_named stable)" = "$(tag_object v0.1.0)" ] || fail "stable stays on v0.1.0"
tg -C "$repo" verify v0.2.0
expect_code 0 "v0.2.0 at staging verifies"
tg -C "$repo" promote --stage stable
expect_code 1 "the candidate's own soak: 0s does not count"
expect_err "v0.2.0 has been at \`staging\` for [0-9]+s of the 15s soak" "the trust root's soak applies"

# Sign-offs bound to the release and the signer: bob's sign-off of v0.1.0 copied under v0.2.0 and
# ada's sign-off of v0.2.0 filed under eve's fingerprint do not count; the control, ada's own, does.
soak_passed
git -C "$repo" update-ref "refs/tollgate/signoffs/stable/v0.2.0/$BOB" "refs/tollgate/signoffs/stable/v0.1.0/$BOB"
tg -C "$repo" approve --stage stable v0.2.0 --key "$ADA"
expect_code 0 "ada signs off v0.2.0"
EVE=$(fpr_of eve@example.com)
git -C "$repo" update-ref "refs/tollgate/signoffs/stable/v0.2.0/$EVE" "refs/tollgate/signoffs/stable/v0.2.0/$ADA"
git -C "$repo" update-ref -d "refs/tollgate/signoffs/stable/v0.2.0/$ADA"
tg -C "$repo" promote --stage stable --dry-run
expect_code 1 "copied and misfiled sign-offs do not count"
expect_err "0 of 1 sign-off of v0.2.0" "none counts"
expect_err "Bob Builder: it signs off v0.1.0 \([0-9a-f]+\) for stable, not v0.2.0" "the copy is refused"
expect_err "Ada Lovelace: filed under refs/tollgate/signoffs/stable/v0.2.0/$EVE but signed by $ADA" "the misfiled one is refused"
git -C "$repo" update-ref "refs/tollgate/signoffs/stable/v0.2.0/$ADA" "refs/tollgate/signoffs/stable/v0.2.0/$EVE"
tg -C "$repo" promote --stage stable --dry-run
expect_code 0 "control: ada's sign-off filed under her own key counts"
git -C "$repo" update-ref -d "refs/tollgate/signoffs/stable/v0.2.0/$ADA"

# Demote staging alone; a crash after staging moved and before the log is finished by `promote`.
stable_before=$(tag_object stable)
log_before=$(git -C "$repo" rev-parse refs/tollgate/log)
TOLLGATE_FAULT=after-ref-stable tg -C "$repo" rollback --demote --stage staging --reason "crash" --worktree "$E2E_TMP/wt0"
[ "$CODE" -ne 0 ] || fail "the fault point killed the demotion"
[ "$(git -C "$repo" rev-parse refs/tollgate/log)" = "$log_before" ] || fail "the crash left the log as it was"
tg -C "$repo" rollback --demote --stage staging --reason "again" --worktree "$E2E_TMP/wt1"
expect_code 3 "a demotion refused while one is interrupted"
tg -C "$repo" promote --abort
expect_code 0 "promote --abort puts staging back"
[ "$(release_named staging)" = "$(tag_object v0.2.0)" ] || fail "the abort put staging back on v0.2.0"
[ "$(git -C "$repo" rev-parse refs/tollgate/log)" = "$log_before" ] || fail "the abort left the log as it was"
TOLLGATE_FAULT=after-ref-stable tg -C "$repo" rollback --demote --stage staging --reason "v0.2.0 breaks staging" --worktree "$E2E_TMP/wt0b"
tg -C "$repo" promote
expect_code 0 "promote finishes the interrupted demotion"
expect_out "finished the interrupted promotion of the demotion to v0.1.0" "says what it finished"
[ "$(git -C "$repo" log -1 --format=%s refs/tollgate/log)" = "demote staging v0.2.0 -> v0.1.0: v0.2.0 breaks staging" ] ||
  fail "the finished demotion is in the log"
tg -C "$repo" rollback --demote --stage staging --reason "twice" --to v0.1.0 --worktree "$E2E_TMP/wt"
expect_code 2 "staging holds v0.1.0 already"
expect_err "v0.1.0 is the current staging release already" "says so"
[ "$(release_named staging)" = "$(tag_object v0.1.0)" ] || fail "staging is back on v0.1.0"
[ "$(tag_object stable)" = "$stable_before" ] || fail "the demotion of staging moved stable"
tg -C "$repo" history
expect_code 0 "history"
[ "$(sed -n 1p <<<"$OUT" | grep -c "demote .*v0.1.0 .*staging: from v0.2.0, reason: v0.2.0 breaks staging")" = 1 ] ||
  fail "history shows the demotion of staging: $OUT"
grep -q "promote .*v0.2.0 .*into staging: approved by" <<<"$OUT" || fail "history: the cut into staging: $OUT"
grep -Eq "stage .*v0.1.0 .*staging -> stable, held [0-9]+s \(soak 15s\), signed off by Bob Builder, verify pass" <<<"$OUT" ||
  fail "history: the move to stable with its evidence: $OUT"
tg -C "$repo" promote --stage stable v0.2.0
expect_code 1 "v0.2.0 is no longer at staging"
expect_err "v0.2.0 is not at \`staging\` now" "says so"
tg -C "$repo" verify staging
expect_code 0 "the demoted staging verifies"
echo "marker" >>"$deployed"
tg -C "$repo" rollback --stage staging --worktree "$E2E_TMP/wt2"
expect_code 0 "redeploy staging"
[ "$(tail -1 "$deployed")" = "v0.1.0 staging" ] || fail "the redeploy ran staging's deploy"
tg -C "$repo" rollback --worktree "$E2E_TMP/wt3"
expect_code 0 "rollback without --stage redeploys stable"
[ "$(tail -1 "$deployed")" = "v0.1.0 stable" ] || fail "with stable's deploy from the stages"

# By hand with git: stable moved to v0.2.0, past staging's soak and sign-offs, with a well-formed
# record signed by a maintainer's key. verify refuses the release and stable; the control before passes.
tg -C "$repo" verify v0.2.0
expect_code 0 "control: v0.2.0 verifies before the hand-made move"
printf 'stable -> v0.2.0\n\nTollgate-Stable: v1\nRelease: v0.2.0 %s\nPrevious-stable: v0.1.0 %s\n' \
  "$(tag_object v0.2.0)" "$(git -C "$repo" rev-parse 'v0.1.0^{commit}')" >"$E2E_TMP/forged"
git -C "$repo" tag -f -s -u "$ADA" -F "$E2E_TMP/forged" stable 'v0.2.0^{commit}' >/dev/null 2>&1 || fail "the hand-made tag"
git -C "$repo" tag -v stable >/dev/null 2>&1 || fail "the hand-made stable tag is signed"
tg -C "$repo" verify v0.2.0
expect_code 1 "verify refuses a release that skipped staging"
expect_out "stage path.*stable holds v0.2.0, but no signed audit-log entry moved it there" "says why"
tg -C "$repo" verify stable
expect_code 1 "verify refuses the hand-made stable"

# Two releases cut before any reached stable: the second is approved, and verified, under the first.
early="$E2E_TMP/early"
promote_repo "$early"
sed -i 's|^checks:|  stages: [{name: staging}, {name: stable, soak: 1h}]\nchecks:|' "$early/tollgate.yaml"
git -C "$early" commit -q -am "feat: stages"
approve_head "$early"
"$TOLLGATE" -C "$early" promote >/dev/null 2>&1 || fail "the first cut"
echo "print('two')" >"$early/app.py"
git -C "$early" commit -q -am "feat: two"
approve_head "$early"
tg -C "$early" promote
expect_code 0 "a second cut while nothing is stable"
expect_out "promoted v0.2.0: staging -> v0.2.0" "into staging"
tg -C "$early" verify v0.2.0
expect_code 0 "v0.2.0 verifies"
expect_out "approvals .*against [0-9a-f]{7}, the first release \(none was stable yet\)" "under the first release's trust root"
tg -C "$early" promote --stage stable
expect_code 1 "the soak of an hour"
expect_err "v0.2.0 has been at \`staging\` for [0-9]+s of the 1h soak" "names the soak"

finish
