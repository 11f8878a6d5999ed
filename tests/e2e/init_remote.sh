#!/usr/bin/env bash
# tollgate init and origin's fetch refspec for refs/tollgate/* (approvals, the audit log): printed as
# a command without consent, added with --configure-remote (idempotent), refused without an origin.
source "$(dirname "$0")/lib.bash"

remote="$E2E_TMP/remote.git"
git init -q --bare -b main "$remote"
seed="$E2E_TMP/seed"
new_repo "$seed"
git -C "$seed" push -q "$remote" main
# An approval-like ref on the remote, as `tollgate approve` + push would leave.
git -C "$seed" tag -a -m approval approval-object HEAD
git -C "$seed" push -q "$remote" "refs/tags/approval-object:refs/tollgate/approvals/x/y"
fetches() { git -C "$1" config --get-all remote.origin.fetch | grep -c '^+\{0,1\}refs/tollgate/\*:refs/tollgate/\*$'; }

# Without consent: .git/config unchanged, the exact command printed.
repo="$E2E_TMP/repo"
git clone -q "$remote" "$repo"
config_before=$(sha256sum "$repo/.git/config")
tg -C "$repo" init
expect_code 0 "init with an origin"
expect_out "remote.origin.fetch: lacks refs/tollgate/\*; .* run: git config --add remote.origin.fetch 'refs/tollgate/\*:refs/tollgate/\*'" "prints the command"
[ "$(sha256sum "$repo/.git/config")" = "$config_before" ] || fail "init changed .git/config without consent"
git -C "$repo" fetch -q origin
git -C "$repo" rev-parse -q --verify refs/tollgate/approvals/x/y >/dev/null && fail "plain fetch brought refs/tollgate/* already"

# With consent: added once, kept tollgate.yaml; plain `git fetch` now brings approvals.
tg -C "$repo" init --configure-remote
expect_code 0 "init --configure-remote in a configured repository"
expect_out "kept tollgate.yaml" "keeps tollgate.yaml"
expect_out "remote.origin.fetch: added refs/tollgate/\*:refs/tollgate/\*" "says what it added"
[ "$(fetches "$repo")" = 1 ] || fail "the refspec is not there once"
git -C "$repo" config --get-all remote.origin.fetch | grep -q '^+refs/heads/\*:refs/remotes/origin/\*$' || fail "the branch refspec was lost"
git -C "$repo" fetch -q origin || fail "git fetch with the refspec"
[ "$(git -C "$repo" rev-parse refs/tollgate/approvals/x/y)" = "$(git -C "$seed" rev-parse approval-object)" ] ||
  fail "git fetch did not bring refs/tollgate/*"
tg -C "$repo" init --configure-remote
expect_code 0 "again"
expect_out "remote.origin.fetch: already fetches refs/tollgate/\*" "says it is there"
[ "$(fetches "$repo")" = 1 ] || fail "not idempotent"
tg -C "$repo" --json init --force
expect_code 0 "init --force with the refspec there"
expect_no_out "remote.origin.fetch" "nothing to say once it is there"

# A fresh repository initialised with --configure-remote gets both at once.
fresh="$E2E_TMP/fresh"
git clone -q "$remote" "$fresh"
tg -C "$fresh" --json init --configure-remote
expect_code 0 "init --configure-remote in a new repository"
[ -f "$fresh/tollgate.yaml" ] || fail "tollgate.yaml written"
[ "$(json_get '[a["note"] for a in d["also"] if a["path"] == "remote.origin.fetch"][0]')" != "" ] ||
  fail "--json names the refspec"
[ "$(fetches "$fresh")" = 1 ] || fail "the refspec was not added"

# No origin: --configure-remote is refused before anything is written; without it, nothing is said.
lone="$E2E_TMP/lone"
new_repo "$lone"
tg -C "$lone" init --configure-remote
expect_code 3 "--configure-remote without origin"
expect_err "--configure-remote: this repository has no remote .origin. \(git remote add origin URL\); nothing was written" "says why"
[ -e "$lone/tollgate.yaml" ] && fail "a refused init wrote tollgate.yaml"
tg -C "$lone" init
expect_code 0 "init without origin"
expect_no_out "remote.origin.fetch" "no refspec note without an origin"

finish
