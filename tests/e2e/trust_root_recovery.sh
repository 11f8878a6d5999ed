#!/usr/bin/env bash
# A trust root already broken at `stable` (promoted by a tollgate without validation: simulated here
# by a release cut by hand) has a way out that still needs signatures: `promote --recover-trust-root`
# counts approvals under the last usable trust root found along the promotion records, records it,
# and `verify` checks the recovery was justified.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
released_repo "$repo"
good=$(git -C "$repo" rev-parse v0.1.0^{commit})

tg -C "$repo" promote --recover-trust-root --dry-run
expect_code 2 "recovery refused while the trust root at stable is usable"
expect_err "is usable; recovery is only for a broken one" "says why"

# v0.2.0, cut by hand as an older tollgate would have: its MAINTAINERS.yaml does not parse.
echo "  - {name: Eve" >>"$repo/MAINTAINERS.yaml"
git -C "$repo" commit -q -am "chore: a broken maintainers list"
broken=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" -c user.signingkey="$ADA" tag -s v0.2.0 -m "Release v0.2.0

Tollgate-Promotion: v1
Candidate: $broken
Previous-stable: v0.1.0 $good"
release_tag=$(git -C "$repo" rev-parse v0.2.0)
git -C "$repo" -c user.signingkey="$ADA" tag -f -s stable -m "stable -> v0.2.0

Tollgate-Stable: v1
Release: v0.2.0 $release_tag
Previous-stable: v0.1.0 $good" >/dev/null

# The fix, approved by Ada and Bob (maintainers of v0.1.0's trust root).
git -C "$repo" checkout -q v0.1.0 -- MAINTAINERS.yaml
echo "print('fixed')" >"$repo/fix.py"
git -C "$repo" add -A
git -C "$repo" commit -q -m "fix: repair MAINTAINERS.yaml"
tg -C "$repo" approve --key "$ADA"
expect_code 2 "approving under a broken trust root needs the flag"
expect_err "recover-trust-root" "names the way out"
"$TOLLGATE" -C "$repo" approve --recover-trust-root --key "$ADA" >/dev/null 2>&1 || fail "ada could not approve"

before=$(snapshot "$repo")
tg -C "$repo" promote
expect_code 2 "without the flag: the broken trust root at stable stops the promotion"
expect_err "MAINTAINERS.yaml:[0-9]+:[0-9]+: .*recover-trust-root" "names the problem and the way out"
tg -C "$repo" promote --recover-trust-root
expect_code 1 "recovery still needs the approvals the last good trust root requires"
expect_out "recovering the trust root: the one at stable v0.2.0 is broken" "says it is recovering"
expect_out "approvals count under v0.1.0's" "names the trust root it uses"
[ "$(snapshot "$repo")" = "$before" ] || fail "a refused recovery changed the repository"

"$TOLLGATE" -C "$repo" approve --recover-trust-root --key "$BOB" >/dev/null 2>&1 || fail "bob could not approve"
tg -C "$repo" promote --recover-trust-root
expect_code 0 "recovery with two approvals under v0.1.0's trust root"
expect_out "promoted v0.2.1" "the fix is released"
git -C "$repo" cat-file tag v0.2.1 | grep -q "^Recovered-trust-root: v0.1.0 $good\$" ||
  fail "the release record names the trust root it was recovered under"
git -C "$repo" show refs/tollgate/log:event.json | grep -q recovered_trust_root ||
  fail "the audit log records the recovery"
tg -C "$repo" verify v0.2.1
expect_out "trust root.*v0.1.0 .*recovered: the one at v0.2.0 is broken" "verify accepts the recorded recovery"
expect_no_out "FAIL.*approvals" "verify counts the approvals under the recovered trust root"

tg -C "$repo" promote --recover-trust-root --dry-run
expect_code 2 "no more recovery once stable's trust root is usable again"

finish
