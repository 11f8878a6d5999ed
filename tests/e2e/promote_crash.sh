#!/usr/bin/env bash
# Crash safety (DESIGN.md §5): the promotion SIGKILLs itself at each named point
# (TOLLGATE_FAULT); afterwards the repository is either unchanged or the next `tollgate promote`
# completes exactly the same release, without manual repair, and `git fsck` stays clean.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

points=(after-lock after-changelog-commit after-release-tag after-stable-tag after-log-commit after-journal
  after-ref-branch after-ref-release-tag after-ref-stable after-ref-log)
for point in "${points[@]}"; do
  repo="$E2E_TMP/$point"
  promote_repo "$repo"
  approve_head "$repo"
  candidate=$(git -C "$repo" rev-parse HEAD)
  before=$(snapshot "$repo")
  TOLLGATE_FAULT=$point tg -C "$repo" promote
  expect_code 137 "$point: the process was killed there"
  after=$(snapshot "$repo")
  if [ "$after" = "$before" ]; then
    state="unchanged"
  else
    state="partly applied"
    [ -f "$repo/.git/tollgate/promotion.json" ] || fail "$point: changed without a journal to # A journal that cannot be finished (someone moved stable meanwhile): the next promote says so and
# `promote --abort` puts back what the interrupted one had applied.
repo="$E2E_TMP/abort"
promote_repo "$repo"
approve_head "$repo"
candidate=$(git -C "$repo" rev-parse HEAD)
TOLLGATE_FAULT=after-ref-release-tag tg -C "$repo" promote
expect_code 137 "killed after the release tag moved"
git -C "$repo" tag stable "$candidate"
tg -C "$repo" promote
expect_code 3 "the interrupted promotion cannot be finished"
expect_err "refs/tags/stable moved.*promote --abort" "says why and what to do"
tg -C "$repo" promote --abort
expect_code 0 "promote --abort"
expect_out "refs/tags/v0.1.0 restored to nothing" "the release tag is gone"
expect_out "refs/heads/main restored to ${candidate:0:7}" "the branch is back"
[ "$(git -C "$repo" rev-parse HEAD)" = "$candidate" ] || fail "HEAD is the candidate again"
[ -z "$(git -C "$repo" tag -l 'v*')" ] || fail "no release tag left"
[ -z "$(git -C "$repo" status --porcelain)" ] || fail "the work tree is clean after --abort"
[ ! -e "$repo/.git/tollgate/promotion.json" ] || fail "the journal is gone"

finish it"$'\n'"$after"
  fi
  git -C "$repo" fsck --no-progress >/dev/null 2>&1 || fail "$point: git fsck after the crash"

  tg -C "$repo" promote
  expect_code 0 "$point ($state): the next promote completes the release"
  [ "$(git -C "$repo" tag -l 'v*')" = "v0.1.0" ] || fail "$point: exactly one release tag: $(git -C "$repo" tag -l)"
  head=$(git -C "$repo" rev-parse HEAD)
  [ "$(git -C "$repo" rev-parse v0.1.0^{commit})" = "$head" ] || fail "$point: v0.1.0 is the branch tip"
  [ "$(git -C "$repo" rev-parse stable^{commit})" = "$head" ] || fail "$point: stable is the branch tip"
  [ "$(git -C "$repo" rev-parse HEAD~1)" = "$candidate" ] || fail "$point: one CHANGELOG commit on the candidate"
  [ "$(grep -c '^## \[0.1.0\]' "$repo/CHANGELOG.md")" = 1 ] || fail "$point: one changelog entry"
  [ "$(git -C "$repo" rev-list --count refs/tollgate/log)" = 1 ] || fail "$point: one audit-log entry"
  git -C "$repo" tag -v v0.1.0 >/dev/null 2>&1 || fail "$point: v0.1.0 verifies"
  git -C "$repo" tag -v stable >/dev/null 2>&1 || fail "$point: stable verifies"
  [ -z "$(git -C "$repo" status --porcelain)" ] || fail "$point: the work tree is clean"
  [ ! -e "$repo/.git/tollgate/promotion.json" ] || fail "$point: the journal is gone"
  git -C "$repo" fsck --no-progress >/dev/null 2>&1 || fail "$point: git fsck after the recovery"
done

# A journal that cannot be finished (someone moved stable meanwhile): the next promote says so and
# `promote --abort` puts back what the interrupted one had applied.
repo="$E2E_TMP/abort"
promote_repo "$repo"
approve_head "$repo"
candidate=$(git -C "$repo" rev-parse HEAD)
TOLLGATE_FAULT=after-ref-release-tag tg -C "$repo" promote
expect_code 137 "killed after the release tag moved"
git -C "$repo" tag stable "$candidate"
tg -C "$repo" promote
expect_code 3 "the interrupted promotion cannot be finished"
expect_err "refs/tags/stable moved.*promote --abort" "says why and what to do"
tg -C "$repo" promote --abort
expect_code 0 "promote --abort"
expect_out "refs/tags/v0.1.0 restored to nothing" "the release tag is gone"
expect_out "refs/heads/main restored to ${candidate:0:7}" "the branch is back"
[ "$(git -C "$repo" rev-parse HEAD)" = "$candidate" ] || fail "HEAD is the candidate again"
[ -z "$(git -C "$repo" tag -l 'v*')" ] || fail "no release tag left"
[ -z "$(git -C "$repo" status --porcelain)" ] || fail "the work tree is clean after --abort"
[ ! -e "$repo/.git/tollgate/promotion.json" ] || fail "the journal is gone"

finish
