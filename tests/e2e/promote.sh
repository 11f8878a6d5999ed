#!/usr/bin/env bash
# tollgate promote: refusals change nothing; a real promotion writes the CHANGELOG commit, signed
# release and stable tags that `git tag -v` accepts, and the audit log; --dry-run, --json, --push.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
promote_repo "$repo"
before=$(snapshot "$repo")

tg -C "$repo" promote
expect_code 1 "too few approvals"
expect_err "checklist did not pass" "says why"
[ "$(snapshot "$repo")" = "$before" ] || fail "a refused promotion changed the repository"

approve_head "$repo"
before=$(snapshot "$repo")

echo "local edit" >>"$repo/app.py"
tg -C "$repo" promote
expect_code 3 "dirty tree"
expect_err "uncommitted changes \(app.py\)" "names the file"
git -C "$repo" checkout -q -- app.py

git -C "$repo" checkout -q -b topic
tg -C "$repo" promote
expect_code 3 "not on release.branch"
expect_err "not on .main." "names the branch"
git -C "$repo" checkout -q main

tg -C "$repo" promote --version banana
expect_code 2 "a version that is not SemVer"
expect_err "banana" "names the version"

GNUPGHOME="$E2E_TMP/empty-gnupg" tg -C "$repo" promote
expect_code 3 "no signing key"
expect_err "promotion refused: .*secret key" "says the key is missing"

before=$(snapshot "$repo")
tg -C "$repo" promote --dry-run
expect_code 0 "dry run"
expect_out "dry run: nothing was changed" "says so"
expect_out "tag it v0.1.0" "names the tag"
expect_out "\| - the first feature" "shows the section"
[ "$(snapshot "$repo")" = "$before" ] || fail "--dry-run changed the repository"

tg -C "$repo" --json promote --dry-run
expect_code 0 "dry run --json"
[ "$(json_get 'd["tag"]')" = v0.1.0 ] || fail "--json dry run tag"

candidate=$(git -C "$repo" rev-parse HEAD)
tg -C "$repo" promote
expect_code 0 "the promotion"
expect_out "promoted v0.1.0" "says what it did"
expect_out "git push origin .*refs/tags/v0.1.0" "prints the push command"
git -C "$repo" tag -v v0.1.0 >/dev/null 2>&1 || fail "git tag -v v0.1.0"
git -C "$repo" tag -v stable >/dev/null 2>&1 || fail "git tag -v stable"
git -C "$repo" verify-commit refs/tollgate/log >/dev/null 2>&1 || fail "the audit log entry is signed"
[ "$(git -C "$repo" rev-parse v0.1.0^{commit})" = "$(git -C "$repo" rev-parse HEAD)" ] || fail "v0.1.0 is HEAD"
[ "$(git -C "$repo" rev-parse stable^{commit})" = "$(git -C "$repo" rev-parse HEAD)" ] || fail "stable is HEAD"
[ "$(git -C "$repo" rev-parse HEAD~1)" = "$candidate" ] || fail "the CHANGELOG commit sits on the candidate"
[ "$(git -C "$repo" diff --name-only HEAD~1 HEAD)" = "CHANGELOG.md" ] || fail "only the changelog changed"
[ -z "$(git -C "$repo" status --porcelain)" ] || fail "the work tree is clean after the promotion"
grep -q "## \[0.1.0\]" "$repo/CHANGELOG.md" || fail "the work tree has the new CHANGELOG"
message=$(git -C "$repo" cat-file tag v0.1.0)
grep -q "^Tollgate-Promotion: v1$" <<<"$message" || fail "the promotion record"
grep -q "^Candidate: $candidate$" <<<"$message" || fail "the record names the candidate"
[ "$(grep -c '^Approved-by: ' <<<"$message")" = 2 ] || fail "the record names both approvals"
grep -q "^Previous-stable: none$" <<<"$message" || fail "no previous stable"
git -C "$repo" cat-file tag stable | grep -q "^stable -> v0.1.0$" || fail "the stable tag's message"

# The next release: a fix, approved, promoted; stable names its predecessor.
echo "print('fixed')" >"$repo/app.py"
git -C "$repo" commit -q -am "fix: the greeting"
approve_head "$repo"
tg -C "$repo" promote --version 0.0.9
expect_code 2 "a version lower than the last release"
git init -q --bare "$E2E_TMP/remote.git"
tg -C "$repo" --json promote --push "$E2E_TMP/remote.git"
expect_code 0 "the second promotion, pushed"
[ "$(json_get 'd["tag"]')" = v0.1.1 ] || fail "a fix is a patch release: $OUT"
git -C "$repo" cat-file tag stable | grep -q "^Previous-stable: v0.1.0 " || fail "stable names the previous release"
approval_ref=$(git -C "$repo" for-each-ref --format='%(refname)' "refs/tollgate/approvals/$(git -C "$repo" rev-parse HEAD~1)/" | head -1)
[ -n "$approval_ref" ] || fail "the candidate has approvals"
for ref in refs/heads/main refs/tags/v0.1.0 refs/tags/v0.1.1 refs/tags/stable refs/tollgate/log "$approval_ref"; do
  [ "$(git -C "$E2E_TMP/remote.git" rev-parse "$ref")" = "$(git -C "$repo" rev-parse "$ref")" ] ||
    fail "--push did not push $ref"
done
[ "$(git -C "$repo" rev-list --count refs/tollgate/log)" = 2 ] || fail "two audit-log entries"

# A signing key that belongs to no maintainer is refused before anything is written.
gpg --batch --quiet --passphrase '' --quick-gen-key "Carol Contractor <carol@example.com>" ed25519 sign never 2>/dev/null
echo "print('three')" >"$repo/app.py"
git -C "$repo" commit -q -am "fix: three"
approve_head "$repo"
before=$(snapshot "$repo")
tg -C "$repo" promote --key carol@example.com
expect_code 3 "a non-maintainer's signing key"
expect_err "belongs to no maintainer" "says why"
[ "$(snapshot "$repo")" = "$before" ] || fail "the refused promotion changed something"
tg -C "$repo" promote
expect_code 0 "the third promotion"

tg -C "$repo" promote
expect_code 1 "nothing to release after the release"
expect_err "nothing to release" "says so"

finish
