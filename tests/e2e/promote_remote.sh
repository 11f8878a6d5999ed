#!/usr/bin/env bash
# tollgate promote with a remote (--push REMOTE, release.remote): the remote is fetched first and a
# remote ahead of or diverged from this clone is refused (exit 3) before anything is signed; a push
# refused after a local release exits 3 and the next `promote --push` pushes that finished release
# instead of cutting another; the resume pushes only a release `tollgate verify` accepts.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

remote="$E2E_TMP/remote.git"
git init -q --bare -b main "$remote"
repo="$E2E_TMP/repo"
promote_repo "$repo"
git -C "$repo" remote add origin "$remote"
approve_head "$repo"

# Same ref, same value in the clone and the remote.
same() { [ "$(git -C "$repo" rev-parse "$1")" = "$(git -C "$remote" rev-parse "$1" 2>/dev/null)" ]; }
# on_remote WHAT TAG: the branch, TAG, stable, the log and an approval of the release's candidate.
on_remote() {
  local approval ref
  approval=$(git -C "$repo" for-each-ref --format='%(refname)' "refs/tollgate/approvals/$(git -C "$repo" rev-parse "$2~1")/" | head -1)
  for ref in refs/heads/main "refs/tags/$2" refs/tags/stable refs/tollgate/log "$approval"; do
    same "$ref" || fail "$1 lacks $ref"
  done
}
# A fix on main, approved.
next_fix() {
  echo "print('$1')" >"$repo/app.py"
  git -C "$repo" commit -q -am "fix: $1"
  approve_head "$repo"
}

# Control: an empty remote is behind; the release and everything it records are pushed.
tg -C "$repo" promote --push origin
expect_code 0 "promote --push to an empty remote"
expect_out "pushed to origin" "says it pushed"
on_remote "the control push" v0.1.0

# The remote's branch is ahead (another clone pushed a commit): refused before signing, dry run too.
other="$E2E_TMP/other"
git clone -q "$remote" "$other"
git -C "$other" commit -q --allow-empty -m "feat: from another clone"
git -C "$other" push -q origin main
remote_main=$(git -C "$remote" rev-parse main)
local_main=$(git -C "$repo" rev-parse main)
before=$(snapshot "$repo")
tg -C "$repo" promote --push origin
expect_code 3 "the remote's branch is ahead"
expect_err "refs/heads/main: the remote's ${remote_main:0:7} is ahead of this clone's ${local_main:0:7}; update: git pull --ff-only origin main" "names the ref, both ids and the command"
expect_err "nothing was signed or changed" "says nothing changed"
tg -C "$repo" promote --dry-run --push origin
expect_code 3 "--dry-run checks the remote too"
expect_err "is ahead of this clone" "--dry-run says why"
[ "$(snapshot "$repo")" = "$before" ] || fail "a refusal changed a ref or the work tree"

# Diverged: this clone's main has a commit of its own too; refused before anything is signed.
next_fix two
before=$(snapshot "$repo")
tg -C "$repo" promote --push origin
expect_code 3 "the branches diverged"
expect_err "refs/heads/main: the remote's ${remote_main:0:7} and this clone's [0-9a-f]{7} have diverged; update: git pull --rebase origin main" "says diverged"
[ "$(snapshot "$repo")" = "$before" ] || fail "the refused promotion changed a ref or the work tree"
git -C "$repo" rev-parse -q --verify refs/tags/v0.1.1 >/dev/null && fail "a tag was made despite the refusal"
git -C "$remote" update-ref refs/heads/main "$local_main" "$remote_main" # the other clone's commit undone

# The remote's stable moved sideways; the remote has a release tag this clone lacks.
stable_was=$(git -C "$remote" rev-parse stable)
side=$(git -C "$other" commit-tree -m side "$(git -C "$other" rev-parse 'HEAD^{tree}')")
git -C "$other" push -q -f origin "$side:refs/tags/stable"
tg -C "$repo" promote --push origin
expect_code 3 "the remote's stable diverged"
expect_err "refs/tags/stable: the remote's ${side:0:7} and this clone's ${stable_was:0:7} have diverged; taking the remote's: git fetch origin '\+refs/tags/stable:refs/tags/stable'" "names stable"
git -C "$remote" update-ref refs/tags/stable "$stable_was"
git -C "$remote" tag v0.9.0 "$side"
tg -C "$repo" promote --push origin
expect_code 3 "a remote release tag this clone lacks"
expect_err "the remote has release tags this clone lacks \(v0.9.0\); update: git fetch origin 'refs/tags/\*:refs/tags/\*'" "names the tag"
git -C "$remote" tag -d v0.9.0 >/dev/null
# The checks fetch objects only: no ref of their own, no FETCH_HEAD.
[ -z "$(git -C "$repo" for-each-ref --format='%(refname)' | grep -Ev '^refs/(heads/main|tags/(v0\.1\.0|stable)|tollgate/(log|approvals/.*))$')" ] ||
  fail "a refusal left a ref behind: $(git -C "$repo" for-each-ref)"
[ -e "$repo/.git/FETCH_HEAD" ] && fail "the check wrote FETCH_HEAD"

# An unreachable remote: exit 3 with the URL and libgit2's message.
tg -C "$repo" promote --push "$E2E_TMP/nowhere.git"
expect_code 3 "an unreachable remote"
expect_err "promotion refused: cannot reach $E2E_TMP/nowhere.git: " "names the URL"

# The push is refused once (a stale lock in the remote): the release exists here, exit 3, says how.
touch "$remote/refs/heads/main.lock"
tg -C "$repo" promote --push origin
expect_code 3 "the push is refused"
expect_err "released v0.1.1 here, but the push to origin failed: .*refs/heads/main.*; the release is complete in this clone: .tollgate promote --push origin. pushes it" "says so plainly"
git -C "$repo" tag -v v0.1.1 >/dev/null 2>&1 || fail "the release exists locally"
same refs/heads/main && fail "the remote's main moved despite its lock"
rm "$remote/refs/heads/main.lock"
log_entries=$(git -C "$repo" rev-list --count refs/tollgate/log)
tg -C "$repo" promote --dry-run --push origin
expect_code 0 "a dry run with a finished release to push"
expect_out "would push the finished release v0.1.1 to origin" "the dry run says so"
tg -C "$repo" promote --push origin
expect_code 0 "the finished release is pushed"
expect_out "pushed the finished release v0.1.1 to origin" "says what it pushed"
on_remote "the resumed push" v0.1.1
[ "$(git -C "$repo" rev-list --count refs/tollgate/log)" = "$log_entries" ] || fail "a second version was cut"
git -C "$repo" rev-parse -q --verify refs/tags/v0.1.2 >/dev/null && fail "v0.1.2 was cut"
tg -C "$repo" promote --push origin
expect_code 1 "nothing pending and nothing to release"
expect_err "nothing to release since v0.1.1" "the existing behaviour"

# A remote name that is no remote of this clone is named as such, not as an unreachable URL.
tg -C "$repo" promote --push orgin
expect_code 3 "a mistyped remote"
expect_err "promotion refused: no remote .orgin. in this clone" "says it is no remote"

# release.remote: a remote's name (a URL is a configuration error); promote checks and pushes to it.
cfg="$repo/tollgate.yaml"
sed -i 's|^  signing_key: ada@example.com$|&\n  remote: https://example.com/x.git|' "$cfg"
tg -C "$repo" promote
expect_code 2 "release.remote as a URL"
expect_err "tollgate.yaml:5:11: .remote. must name a git remote" "file:line:col"
sed -i 's|^  remote: .*|  remote: backup|' "$cfg"
tg -C "$repo" promote
expect_code 3 "release.remote names no remote of this clone"
expect_err "release.remote .backup. is not a remote of this clone \(git remote add backup URL\)" "says how to add it"
sed -i 's|^  remote: .*|  remote: origin|' "$cfg"
git -C "$repo" commit -q -am "feat: releases go to origin"
approve_head "$repo"
tg -C "$repo" promote
expect_code 0 "promote with release.remote"
expect_out "pushed to origin" "pushed without --push"
on_remote "release.remote" v0.2.0

# Another clone demoted stable and pushed it: stable moved back, which the remote's audit log records;
# refused naming the log, and the command it names brings this clone up to date.
third="$E2E_TMP/third"
git clone -q "$remote" "$third"
git -C "$third" fetch -q origin 'refs/tollgate/*:refs/tollgate/*'
"$TOLLGATE" -C "$third" rollback --demote --to v0.1.1 --reason "broken" --push origin >/dev/null 2>&1 ||
  fail "the other clone could not demote"
next_fix five
tg -C "$repo" promote --dry-run --push origin
expect_code 3 "a demotion on the remote"
expect_err "refs/tollgate/log: the remote's [0-9a-f]{7} is ahead of this clone's [0-9a-f]{7}; update: git fetch origin 'refs/tollgate/log:refs/tollgate/log' '\+refs/tags/stable:refs/tags/stable'" "names the log"
git -C "$repo" fetch -q origin 'refs/tollgate/log:refs/tollgate/log' '+refs/tags/stable:refs/tags/stable'
tg -C "$repo" promote --dry-run --push origin
expect_code 0 "up to date after the command it named"
expect_out "move stable to v0.2.1 \(signed\), from v0.1.1" "the next release follows the demotion"

# The resume pushes only a finished, signed release: a forged one (unsigned tags and log entry
# naming an unapproved commit) is refused and the remote is unchanged.
remote_refs=$(git -C "$remote" for-each-ref)
git -C "$repo" commit -q --allow-empty -m "feat: unapproved"
evil=$(git -C "$repo" rev-parse HEAD)
release_tag=$(printf 'object %s\ntype commit\ntag v0.9.0\ntagger Eve <eve@example.com> 1700000000 +0000\n\nRelease v0.9.0\n' "$evil" | git -C "$repo" mktag)
stable_tag=$(printf 'object %s\ntype commit\ntag stable\ntagger Eve <eve@example.com> 1700000000 +0000\n\nstable -> v0.9.0\n\nTollgate-Stable: v1\nRelease: v0.9.0 %s\nPrevious-stable: none\n' "$evil" "$release_tag" | git -C "$repo" mktag)
event=$(printf '{"format": 1, "event": "promote", "release": "v0.9.0", "commit": "%s", "candidate": "%s", "release_tag": "%s", "stable_tag": "%s"}' "$evil" "$evil" "$release_tag" "$stable_tag" | git -C "$repo" hash-object -w --stdin)
tree=$(printf '100644 blob %s\tevent.json\n' "$event" | git -C "$repo" mktree)
log=$(git -C "$repo" commit-tree -p refs/tollgate/log -m "promote v0.9.0" "$tree")
git -C "$repo" update-ref refs/tags/v0.9.0 "$release_tag"
git -C "$repo" update-ref refs/tags/stable "$stable_tag"
git -C "$repo" update-ref refs/tollgate/log "$log"
tg -C "$repo" promote --push origin
expect_code 3 "a forged release is not pushed"
expect_err "v0.9.0 is released here but not on origin, and it does not verify \(.*\): not pushed" "says why"
[ "$(git -C "$remote" for-each-ref)" = "$remote_refs" ] || fail "the forged release reached the remote"

finish
