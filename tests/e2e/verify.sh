#!/usr/bin/env bash
# tollgate verify: a real release verifies; each kind of tampering is named — a release tag signed by
# a non-maintainer, a release commit that changes more than the CHANGELOG, a record whose approvals
# do not hold, an unsigned audit-log entry, a stable tag that names another release.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"
gpg --batch --quiet --passphrase '' --quick-gen-key "Eve Outsider <eve@example.com>" ed25519 sign never 2>/dev/null
EVE=$(fpr_of eve@example.com)

repo="$E2E_TMP/repo"
promote_repo "$repo"
approve_head "$repo"
"$TOLLGATE" -C "$repo" promote >/dev/null 2>&1 || fail "first promotion"
echo "print('two')" >"$repo/app.py"
git -C "$repo" commit -q -am "feat: two"
approve_head "$repo"
"$TOLLGATE" -C "$repo" promote >/dev/null 2>&1 || fail "second promotion"

tg -C "$repo" -v verify
expect_code 0 "stable verifies"
expect_err "gpg processes: 0$" "verify starts no gpg process"
expect_out "verify stable -> v0.2.0" "stable resolves to the release"
for check in "stable record" "stable signature" "promotion record" "release signature" "changelog-only commit" \
  "approvals" "audit log"; do
  expect_out "✔ $check" "$check holds"
done
tg -C "$repo" --json verify v0.1.0
expect_code 0 "v0.1.0 verifies"
[ "$(json_get 'd["ok"]')" = True ] || fail "--json ok"
tg -C "$repo" verify v7.7.7
expect_code 2 "no such tag"

# sign_tag NAME COMMIT KEY MESSAGE-FILE: a signed tag object made with plain git, by KEY.
sign_tag() {
  git -C "$repo" -c user.signingkey="$3" -c user.name=Someone -c user.email=someone@example.com \
    tag -f -s -F "$4" "$1" "$2" >/dev/null 2>&1 || fail "cannot sign $1"
}
git -C "$repo" cat-file tag v0.2.0 | sed '1,/^$/d; /^-----BEGIN PGP SIGNATURE-----/,$d' >"$E2E_TMP/record"

# 1. The same record, signed by someone who is no maintainer.
cp -r "$repo" "$E2E_TMP/t1" && saved=$repo && repo="$E2E_TMP/t1"
sign_tag v0.2.0 "v0.2.0^{commit}" "$EVE" "$E2E_TMP/record"
tg -C "$repo" verify v0.2.0
expect_code 1 "a release tag signed by a non-maintainer"
expect_out "✘ release signature .*unknown key|✘ release signature .*no maintainer" "names the signature"
tg -C "$repo" verify
expect_out "✘ stable record" "stable no longer names that tag object"
repo=$saved

# 2. A "release" commit that changes more than the CHANGELOG, signed by a maintainer.
cp -r "$repo" "$E2E_TMP/t2" && saved=$repo && repo="$E2E_TMP/t2"
candidate=$(git -C "$repo" cat-file tag v0.2.0 | sed -n 's/^Candidate: //p')
git -C "$repo" checkout -q "$candidate"
echo "rogue" >>"$repo/app.py"
echo "## [0.2.1]" >>"$repo/CHANGELOG.md"
git -C "$repo" commit -q -am "chore(release): v0.2.1"
sed 's/^Release v0.2.0/Release v0.2.1/' "$E2E_TMP/record" >"$E2E_TMP/record2"
sign_tag v0.2.1 HEAD "$ADA" "$E2E_TMP/record2"
tg -C "$repo" verify v0.2.1
expect_code 1 "a release commit that changes code"
expect_out "✘ changelog-only commit .*app.py" "names the extra file"
repo=$saved

# 3. A record whose approvals do not hold (one removed).
cp -r "$repo" "$E2E_TMP/t3" && saved=$repo && repo="$E2E_TMP/t3"
awk '/^Approved-by: / && !dropped {dropped=1; next} {print}' "$E2E_TMP/record" >"$E2E_TMP/record3"
sign_tag v0.2.0 "v0.2.0^{commit}" "$ADA" "$E2E_TMP/record3"
tg -C "$repo" verify v0.2.0
expect_code 1 "too few recorded approvals"
expect_out "✘ approvals .*1 of 2 required" "names the approvals"
repo=$saved

# 4. An unsigned entry on the audit log.
cp -r "$repo" "$E2E_TMP/t4" && saved=$repo && repo="$E2E_TMP/t4"
tree=$(git -C "$repo" rev-parse "refs/tollgate/log^{tree}")
forged=$(git -C "$repo" commit-tree "$tree" -p refs/tollgate/log -m "promote v0.2.0 (forged)")
git -C "$repo" update-ref refs/tollgate/log "$forged"
tg -C "$repo" verify
expect_code 1 "an unsigned audit-log entry"
expect_out "✘ audit log .*not signed" "names the audit log"
repo=$saved

# 5. stable moved to the old release's commit, still naming the new release.
cp -r "$repo" "$E2E_TMP/t5" && saved=$repo && repo="$E2E_TMP/t5"
git -C "$repo" cat-file tag stable | sed '1,/^$/d; /^-----BEGIN PGP SIGNATURE-----/,$d' >"$E2E_TMP/stable"
sign_tag stable "v0.1.0^{commit}" "$ADA" "$E2E_TMP/stable"
tg -C "$repo" verify
expect_code 1 "stable on another commit than its release"
expect_out "✘ stable record" "names the stable record"
repo=$saved

finish
