#!/usr/bin/env bash
# A full disk during a promotion (exit 3, nothing half-written): the disk fills while the objects
# are written (a small tmpfs: no ref moves), or while the CHANGELOG is written into the work tree
# (RLIMIT_FSIZE: every ref has moved, the file stays whole and the journal lets the next
# `tollgate promote` finish).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

# --- the objects: a tmpfs that is full ----------------------------------------------------------
src="$E2E_TMP/src"
promote_repo "$src"
approve_head "$src"
mnt="$E2E_TMP/small"
mkdir -p "$mnt"
# In a private mount namespace: the tmpfs holds a copy of the repository, then a file that fills it;
# tollgate promotes (the disk is full), the filler goes, tollgate promotes again.
cat >"$E2E_TMP/full.sh" <<'SH'
set -u
mount -t tmpfs -o size=4m tmpfs "$mnt" || exit 99
cp -a "$src" "$mnt/repo"
dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null
before=$(git -C "$mnt/repo" for-each-ref --format='%(refname) %(objectname)')
"$TOLLGATE" -C "$mnt/repo" promote >"$out/full.out" 2>"$out/full.err"
echo $? >"$out/full.code"
after=$(git -C "$mnt/repo" for-each-ref --format='%(refname) %(objectname)')
[ "$before" = "$after" ] && echo same >"$out/full.refs"
[ -e "$mnt/repo/CHANGELOG.md" ] && echo exists >"$out/full.changelog"
rm "$mnt/filler"
"$TOLLGATE" -C "$mnt/repo" promote >"$out/again.out" 2>"$out/again.err"
echo $? >"$out/again.code"
git -C "$mnt/repo" status --porcelain >"$out/again.status"
git -C "$mnt/repo" tag -l >"$out/again.tags"
SH
mnt=$mnt src=$src out=$E2E_TMP TOLLGATE=$TOLLGATE unshare -m bash "$E2E_TMP/full.sh"
[ "$(cat "$E2E_TMP/full.code")" = 3 ] || fail "a full disk: expected exit 3, got $(cat "$E2E_TMP/full.code"): $(cat "$E2E_TMP/full.err")"
grep -q '^tollgate: error: promotion failed before any ref moved: .*No space left on device' "$E2E_TMP/full.err" ||
  fail "a full disk: says so: $(cat "$E2E_TMP/full.err")"
[ "$(wc -l <"$E2E_TMP/full.err")" = 1 ] || fail "a full disk: one line: $(cat "$E2E_TMP/full.err")"
[ -f "$E2E_TMP/full.refs" ] || fail "a full disk: a ref moved"
[ ! -f "$E2E_TMP/full.changelog" ] || fail "a full disk: a CHANGELOG.md appeared in the work tree"
[ "$(cat "$E2E_TMP/again.code")" = 0 ] || fail "control: with space again, the promotion works: $(cat "$E2E_TMP/again.err")"
[ "$(cat "$E2E_TMP/again.tags")" = "$(printf 'stable\nv0.1.0')" ] || fail "control: released v0.1.0"
[ ! -s "$E2E_TMP/again.status" ] || fail "control: the work tree is clean: $(cat "$E2E_TMP/again.status")"

# --- the CHANGELOG: a file-size limit it exceeds ------------------------------------------------
repo="$E2E_TMP/limit"
promote_repo "$repo"
# A long, well-compressing CHANGELOG: its blob and every other file stay far below the limit, the
# new CHANGELOG (one section longer) exceeds it.
{
  printf '# Changelog\n\n'
  for i in $(seq 1 1500); do printf -- '- an old line about the project, number %s\n' "$i"; done
} >"$repo/CHANGELOG.md"
git -C "$repo" add CHANGELOG.md
git -C "$repo" commit -q -m "docs: the changelog so far"
git -C "$repo" commit -q --allow-empty -m "feat: the feature to release"
approve_head "$repo"
cp "$repo/CHANGELOG.md" "$E2E_TMP/old-changelog"
limit=$(($(stat -c %s "$repo/CHANGELOG.md") + 1))

prlimit --fsize="$limit" "$TOLLGATE" -C "$repo" promote >"$E2E_TMP/.out" 2>"$E2E_TMP/.err"
CODE=$? OUT=$(cat "$E2E_TMP/.out") ERR=$(cat "$E2E_TMP/.err")
expect_code 3 "the CHANGELOG cannot be written"
expect_err "^tollgate: error: promotion stopped: every ref moved, but the work tree was not updated: cannot write $repo/CHANGELOG.md: File too large; \`tollgate promote\` finishes it$" \
  "says what happened and what to do"
cmp -s "$repo/CHANGELOG.md" "$E2E_TMP/old-changelog" || fail "the CHANGELOG in the work tree is not the old one, whole"
[ -z "$(find "$repo" -maxdepth 1 -name 'CHANGELOG.md.*')" ] || fail "a scratch file was left: $(ls "$repo")"
[ -f "$repo/.git/tollgate/promotion.json" ] || fail "the journal is kept for the next run"
[ "$(git -C "$repo" rev-parse stable^{commit})" = "$(git -C "$repo" rev-parse HEAD)" ] || fail "the refs moved"

tg -C "$repo" promote
expect_code 0 "the next promote finishes"
expect_out "finished the interrupted promotion of v0.1.0" "says so"
git -C "$repo" show HEAD:CHANGELOG.md | cmp -s - "$repo/CHANGELOG.md" || fail "the CHANGELOG is now the released one"
[ -z "$(git -C "$repo" status --porcelain)" ] || fail "the work tree and the index are clean: $(git -C "$repo" status --porcelain)"
[ ! -e "$repo/.git/tollgate/promotion.json" ] || fail "the journal is gone"
git -C "$repo" fsck --no-progress >/dev/null 2>&1 || fail "git fsck"

finish
