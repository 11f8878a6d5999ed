#!/usr/bin/env bash
# tollgate promote --prerelease: channels as semantic-release counts them (docs/changelog.md,
# "Versioning rules"): another channel of the same line after a promoted beta (the stable ref on
# 1.0.0-beta.2) is no error, --version with --prerelease is refused before anything runs (exit 2), and the
# final release gathers every change since the last final release into its CHANGELOG section.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
released_repo "$repo"

# change MSG: a commit by the (non-maintainer) author, approved by Ada and Bob.
change() {
  echo "$1" >>"$repo/app.py"
  git -C "$repo" commit -q -am "$1"
  approve_head "$repo"
}

promote_expect() { # promote_expect TAG OPTIONS...
  local want=$1
  shift
  tg -C "$repo" promote "$@"
  expect_code 0 "promote $* -> $want"
  expect_out "promoted $want" "promote $* says $want"
  [ "$(git -C "$repo" rev-parse stable^{commit})" = "$(git -C "$repo" rev-parse "$want^{commit}")" ] ||
    fail "stable is not $want"
}

change "feat!: a new configuration format"
promote_expect v1.0.0-beta.1 --prerelease beta
change "fix: shipped in a beta"
promote_expect v1.0.0-beta.2 --prerelease beta

change "fix: shipped in an alpha"
before=$(snapshot "$repo")
tg -C "$repo" promote --version 1.0.0 --prerelease alpha
expect_code 2 "--version with --prerelease"
expect_err "--version excludes --prerelease" "says they exclude each other"
[ "$(snapshot "$repo")" = "$before" ] || fail "a refused promotion changed the repository"

# The stable release is 1.0.0-beta.2; an alpha of the same line counts from the last final release.
promote_expect v1.0.0-alpha.1 --prerelease alpha

change "fix: the last fix"
promote_expect v1.0.0
section=$(awk '/^## \[1\.0\.0\]/{on=1; next} /^## /{on=0} on' "$repo/CHANGELOG.md")
for entry in "\*\*BREAKING\*\* a new configuration format" "shipped in a beta" "shipped in an alpha" "the last fix"; do
  grep -Eq -- "^- $entry" <<<"$section" || fail "the 1.0.0 section lacks '$entry':"$'\n'"$section"
done

tg -C "$repo" verify
expect_code 0 "verify after the channel switch and the final release"
finish
