#!/usr/bin/env bash
# tollgate's state is not forgeable (DESIGN.md §7.5): what a hostile check could plant in `.git` (a
# crash journal, cached signature verdicts) or in the history git shows (replace refs, grafts) never
# moves a ref or opens the gate. Each attack has its control: the genuine thing still works.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

# --- A released repository: the control for verify, and the ground for the attacks below.
repo="$E2E_TMP/released"
released_repo "$repo"
stable=$(git -C "$repo" rev-parse refs/tags/stable)
tg -C "$repo" verify
expect_code 0 "control: the release verifies"

# --- (a) A planted crash journal pointing stable at a commit of the attacker's choice.
echo "print('evil')" >"$repo/app.py"
git -C "$repo" commit -qam "feat: the attacker's commit"
chosen=$(git -C "$repo" rev-parse HEAD)
cat >"$repo/.git/tollgate/promotion.json" <<JSON
{"release": "v9.9.9", "updates": [
  {"kind": "stable", "ref": "refs/tags/stable", "old": "$stable", "new": "$chosen"}]}
JSON
tg -C "$repo" promote
expect_code 3 "a planted journal is refused"
expect_err "promotion.json was not written by this user's tollgate" "says whose journal it is not"
expect_err "promote --abort\` is not offered" "does not offer --abort"
[ "$(git -C "$repo" rev-parse refs/tags/stable)" = "$stable" ] || fail "the planted journal moved stable"
tg -C "$repo" promote --abort
expect_code 3 "--abort refuses the planted journal too"
[ "$(git -C "$repo" rev-parse refs/tags/stable)" = "$stable" ] || fail "--abort moved stable"
# The same journal with a made-up MAC, and as a symbolic link.
sed -i "s/^{/{\"mac\": \"$(printf '0%.0s' {1..64})\", /" "$repo/.git/tollgate/promotion.json"
tg -C "$repo" promote
expect_code 3 "a journal with a forged MAC is refused"
mv "$repo/.git/tollgate/promotion.json" "$E2E_TMP/planted.json"
ln -s "$E2E_TMP/planted.json" "$repo/.git/tollgate/promotion.json"
tg -C "$repo" promote
expect_code 3 "a symlinked journal is refused"
expect_err "symbolic link" "says it is a link"
[ "$(git -C "$repo" rev-parse refs/tags/stable)" = "$stable" ] || fail "stable moved"
rm -f "$repo/.git/tollgate/promotion.json"
git -C "$repo" reset -q --hard "$stable"

# Control: an interrupted genuine promotion is still finished by the next run.
crashed="$E2E_TMP/crashed"
promote_repo "$crashed"
approve_head "$crashed"
TOLLGATE_FAULT=after-journal tg -C "$crashed" promote
expect_code 137 "control: the promotion was killed after its journal"
tg -C "$crashed" promote
expect_code 0 "control: the next promote finishes the genuine journal"
expect_out "finished the interrupted promotion of v0.1.0" "says so"
[ "$(git -C "$crashed" rev-parse stable^{commit})" = "$(git -C "$crashed" rev-parse HEAD)" ] ||
  fail "control: stable is the new release"

# --- (c) Replace refs and grafts: plain git would show other contents for the release.
release_commit=$(git -C "$repo" rev-parse 'stable^{commit}')
other=$(git -C "$repo" commit-tree -p "$release_commit" -m "evil" "$(git -C "$repo" rev-parse 'HEAD^{tree}')")
git -C "$repo" replace "$release_commit" "$other"
tg -C "$repo" verify
expect_code 3 "verify refuses a repository with replace refs"
expect_err "refs/replace/$release_commit" "names the replace ref"
tg -C "$repo" promote
expect_code 3 "promote refuses a repository with replace refs"
expect_err "refs/replace/$release_commit" "promote names the replace ref"
for i in 1 2 3 4 5 6; do
  git -C "$repo" update-ref "refs/replace/$(printf '%039d%d' 0 "$i")" "$other"
done
tg -C "$repo" verify
expect_code 3 "verify refuses many replace refs"
expect_err "and 2 more" "names five and counts the rest"
for ref in $(git -C "$repo" for-each-ref --format='%(refname)' refs/replace/); do
  git -C "$repo" update-ref -d "$ref"
done
echo "$release_commit" >"$repo/.git/info/grafts"
tg -C "$repo" verify
expect_code 3 "verify refuses a grafts file"
expect_err "info/grafts" "names the grafts file"
tg -C "$repo" promote
expect_code 3 "promote refuses a grafts file"
rm "$repo/.git/info/grafts"
tg -C "$repo" verify
expect_code 0 "control: without them the release verifies again"
echo "print('two')" >"$repo/app.py"
git -C "$repo" commit -qam "feat: the second feature"
approve_head "$repo"
tg -C "$repo" promote
expect_code 0 "control: without them the next promotion passes"

# --- (b) Forged cached verdicts for approvals whose signatures are garbage.
gated="$E2E_TMP/gated"
promote_repo "$gated"
approve_head "$gated"
tg -C "$gated" gate
expect_code 0 "control: genuine approvals open the gate"
[ ! -e "$XDG_CACHE_HOME/tollgate/verified" ] || fail "verified in-process (the default), no verdict is cached"
# Through gpg (the operator's choice in the work tree's tollgate.yaml), verdicts are cached.
echo "gpg: {verify: gpgme}" >>"$gated/tollgate.yaml"
tg -C "$gated" -v gate
expect_code 0 "control: genuine approvals open the gate through gpg too"
expect_err "gpg processes: [1-9]" "through gpgme, gpg runs (and -v counts it)"
digest_dir=$(find "$XDG_CACHE_HOME/tollgate/verified" -mindepth 1 -maxdepth 1 -type d | head -1)
[ -n "$digest_dir" ] || fail "control: the verdicts are cached under XDG_CACHE_HOME"
[ ! -e "$gated/.git/tollgate/cache" ] || fail "nothing is cached in the repository any more"
[ -z "$(find "$gated/.git/tollgate" -name keyrings)" ] || fail "no keyring is kept in the repository any more"
digest=$(basename "$digest_dir")
echo "print('unapproved')" >"$gated/app.py"
git -C "$gated" commit -qm "feat: nobody approved this" app.py
head=$(git -C "$gated" rev-parse HEAD)
tree=$(git -C "$gated" rev-parse 'HEAD^{tree}')
for who in "Ada Lovelace <ada@example.com> $ADA" "Bob Builder <bob@example.com> $BOB"; do
  fpr=${who##* }
  object=$(git -C "$gated" hash-object -t tag -w --stdin --literally <<TAG
object $head
type commit
tag approval-$head
tagger ${who% *} 1700000000 +0000

tollgate approval v1

repository: example.com/promote
commit: $head
tree: $tree
-----BEGIN PGP SIGNATURE-----

iHUEABYKAB0WIQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
-----END PGP SIGNATURE-----
TAG
  )
  git -C "$gated" update-ref "refs/tollgate/approvals/$head/$fpr" "$object"
  verdict="0 1700000000 0 0 $fpr"
  mkdir -p "$gated/.git/tollgate/cache/verified/$digest"
  echo "$verdict" >"$gated/.git/tollgate/cache/verified/$digest/$object"
  printf '%s\n%s\n' "$verdict" "$(printf '0%.0s' {1..64})" >"$digest_dir/$object"
done
tg -C "$gated" gate
expect_code 1 "forged cached verdicts do not open the gate"
tg -C "$gated" gate
expect_code 1 "nor on the second run (the forged entries were overwritten, not trusted)"
git -C "$gated" checkout -q tollgate.yaml
tg -C "$gated" gate
expect_code 1 "nor in-process"

finish
