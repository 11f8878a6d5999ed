#!/usr/bin/env bash
# Replays release histories as real commits and tags (reverts made with `git revert`, merges with
# `git merge --no-ff`, GitHub's squash titles `feat: x (#12)`) and checks the version and the
# section `tollgate changelog` proposes. docs/changelog.md ("Compatibility") says which release
# tool each rule agrees with.
#
# The table: each case starts with `=== name` in a fresh repository (origin on GitHub, a commit
# `chore: initial commit`). Steps:
#   commit MSG               an empty-tree-free commit (a file of its own); `\n` in MSG is a newline
#   commit-in PATH MSG       a commit that changes PATH only
#   tag NAME                 a release tag at HEAD
#   revert SUBJECT [| TITLE] `git revert` (`-m 1` for a merge) of the newest commit with that subject;
#                            TITLE replaces the revert's title (GitHub's `Revert "..." (#N)`), git's
#                            body is kept
#   branch NAME / checkout NAME
#   merge NAME | MSG         `git merge --no-ff -m MSG NAME`
#   config YAML              a top-level line of tollgate.yaml (`release: {prerelease_start: 0}`)
#   run [OPTIONS]            `tollgate changelog OPTIONS`; then what it must propose:
#   version V | nothing | error REGEX
#   section TITLE: ENTRY     the section's entries in order (hashes left out); none listed: empty
#   all VERSION              `tollgate changelog --all`; the `section` lines are that release's
source "$(dirname "$0")/lib.bash"
export SOURCE_DATE_EPOCH=1764028800

read -r -d '' CASES <<'TABLE'
=== GitHub revert title with the (#N) suffix: the revert and the reverted squash commit drop out
tag v1.0.0
commit feat: add the cache (#10)
revert feat: add the cache (#10) | Revert "feat: add the cache (#10)" (#11)
commit fix: empty input (#12)
run
version 1.0.1
section Fixed: empty input ([#12](https://github.com/acme/widget/issues/12))

=== a release made only of a revert (its target released before) is a patch release
commit chore(deps): update x to v5.1.1
tag v1.0.0
revert chore(deps): update x to v5.1.1 | Revert "chore(deps): update x to v5.1.1" (#2682)
run
version 1.0.1
section Removed: chore(deps): update x to v5.1.1 ([#2682](https://github.com/acme/widget/issues/2682))

=== a revert known by its body alone (This reverts commit <sha>.) cancels its target
tag v1.0.0
commit feat: risky flag
revert feat: risky flag | Back out the risky flag
commit fix: typo
run
version 1.0.1
section Fixed: typo

=== the revert of a revert brings the change back
commit feat: add x (#5)
tag v1.0.0
revert feat: add x (#5) | Revert "feat: add x (#5)" (#6)
tag v1.0.1
revert Revert "feat: add x (#5)" (#6) | Revert "Revert "feat: add x (#5)" (#6)" (#7)
run
version 1.1.0
section Added: add x ([#5](https://github.com/acme/widget/issues/5)) ([#7](https://github.com/acme/widget/issues/7))

=== git 2.43+ titles the revert of a revert Reapply "...": the change is back
commit feat: add x (#5)
tag v1.0.0
revert feat: add x (#5) | Revert "feat: add x (#5)" (#6)
tag v1.0.1
revert Revert "feat: add x (#5)" (#6) | Reapply "feat: add x (#5)" (#8)
run
version 1.1.0
section Added: add x ([#5](https://github.com/acme/widget/issues/5)) ([#8](https://github.com/acme/widget/issues/8))

=== Reapply "..." in the range of the revert it undoes: the original stays
tag v1.0.0
commit feat: y
revert feat: y
revert Revert "feat: y" | Reapply "feat: y"
run
version 1.1.0
section Added: y

=== a reverted breaking change no longer counts as breaking
tag v1.0.0
commit feat!: drop the v1 API
commit fix: crash
revert feat!: drop the v1 API | Revert "feat!: drop the v1 API" (#30)
run
version 1.0.1
section Fixed: crash

=== another channel cut from the same line counts from the last final release
tag v24.0.0
commit feat!: new config format
tag v25.0.0-beta.1
commit fix: a
tag v25.0.0-beta.2
commit fix: b
tag v25.0.0-beta.3
run --prerelease alpha
version 25.0.0-alpha.1
section Added: **BREAKING** new config format
section Fixed: b
section Fixed: a
run --prerelease beta
nothing

=== a beta after alphas counts the fixes shipped in the alphas; the next beta only what is new
tag v1.0.0
commit fix: shipped in an alpha
tag v1.0.1-alpha.1
commit feat: y
run --prerelease beta
version 1.1.0-beta.1
section Added: y
section Fixed: shipped in an alpha
tag v1.1.0-beta.1
commit fix: z
run --prerelease beta
version 1.1.0-beta.2
section Fixed: z
run --prerelease alpha
version 1.1.0-alpha.1

=== a feat after 1.0.1-beta.1 raises the channel's core (commitizen, release-please; semantic-release keeps 1.0.1)
tag v1.0.0
commit fix: a
tag v1.0.1-beta.1
commit feat: b
run --prerelease beta
version 1.1.0-beta.1
section Added: b

=== release.prerelease_start: 0 (release-please, commitizen)
config release: {prerelease_start: 0}
tag v1.0.0
commit feat: y
run --prerelease rc
version 1.1.0-rc.0

=== every BREAKING CHANGE footer is a note; `!` alone (or an empty note) uses the subject
tag v1.0.0
commit feat: new store\n\nBREAKING CHANGE: the cache moved\nBREAKING-CHANGE: the `--db` option is gone
commit fix!: reject empty names
commit perf: faster start\n\nBREAKING CHANGE:
run
version 2.0.0
section Added: **BREAKING** new store: the cache moved; the `--db` option is gone
section Changed: **BREAKING** faster start
section Fixed: **BREAKING** reject empty names

=== a BREAKING CHANGE line inside the body (a squash body's `* ` list too) is a note
tag v1.0.0
commit feat: new store (#14)\n\n* feat: new store\n\n* BREAKING CHANGE: the cache moved\n\n* test: more
commit fix: y\n\nExplained here.\nBREAKING CHANGE: empty names are refused
run
version 2.0.0
section Added: **BREAKING** new store ([#14](https://github.com/acme/widget/issues/14)): the cache moved
section Fixed: **BREAKING** y: empty names are refused

=== refactor, docs, test, chore, build, ci: shown or hidden, but no release of their own
tag v1.0.0
commit refactor: split the parser
commit docs: usage
commit chore: tidy
commit build: cmake 3.28
commit ci: cache
commit test: more cases
run
nothing

=== feature: an unknown type as for semantic-release; release-please's synonym of feat by configuration
tag v1.0.0
commit feature: x
run
nothing
config changelog: {types: {feature: Added}, bump: {feature: minor}}
run
version 1.1.0
section Added: x

=== the commitizen preset also bumps refactor
config changelog: {preset: commitizen}
tag v1.0.0
commit refactor: split the parser
run
version 1.0.1
section Changed: split the parser

=== the first release: changelog.initial_version (0.1.0 as git-cliff; 1.0.0 as semantic-release), once a commit bumps
commit docs: readme
run
nothing
commit fix: y
run
version 0.1.0
section Fixed: y
config changelog: {initial_version: 1.0.0}
run
version 1.0.0

=== 0.x: breaking -> 1.0.0 by default, minor with release.bump_minor_pre_major
tag v0.3.0
commit feat!: new API
run
version 1.0.0

=== 0.x with release.bump_minor_pre_major: true
config release: {bump_minor_pre_major: true}
tag v0.3.0
commit feat!: new API
run
version 0.4.0

=== a final release after prereleases gathers every commit since the last final release
tag v1.0.0
commit feat: a
tag v1.1.0-rc.1
commit fix: b
tag v1.1.0-rc.2
run
version 1.1.0
section Added: a
section Fixed: b
commit docs: release notes
tag v1.1.0
all 1.1.0
section Added: a
section Fixed: b

=== --version with --prerelease is refused
tag v1.0.0
commit feat: a
run --version 1.2.0 --prerelease rc
error cannot be combined: give the whole version \(such as --version 1\.2\.0-rc\.1\)

=== release.hide_scopes (prefix match) hides chore(deps) and chore(deps-dev); fix(deps) still bumps and shows
config release: {hide_scopes: [deps]}
config changelog: {types: {chore: Maintenance}}
tag v1.0.0
commit chore(deps): bump a
commit chore(deps-dev): bump b
commit fix(deps): bump c to fix a crash
commit chore: tidy
run
version 1.0.1
section Fixed: **deps:** bump c to fix a crash
section Maintenance: tidy

=== a merge whose branch commits are not conventional speaks with the pull request's title
tag v1.0.0
branch topic
commit wip
commit more wip
checkout main
merge topic | Merge pull request #12 from acme/topic\n\nfeat: add z
run
version 1.1.0
section Added: add z ([#12](https://github.com/acme/widget/issues/12))

=== a reverted merge (git revert -m 1) takes its branch's commits along
tag v1.0.0
branch topic
commit feat: x
commit fix: y
checkout main
commit fix: other
merge topic | Merge pull request #12 from acme/topic\n\nfeat: x
revert Merge pull request #12 from acme/topic
run
version 1.0.1
section Fixed: other

=== the revert of a reverted merge brings the branch back
tag v1.0.0
branch topic
commit feat: x
checkout main
merge topic | Merge pull request #12 from acme/topic\n\nfeat: x
revert Merge pull request #12 from acme/topic
revert Revert "Merge pull request #12 from acme/topic"
run
version 1.1.0
section Added: x

=== a merge whose branch commits are conventional stays out: they speak
tag v1.0.0
branch topic
commit fix: a
checkout main
merge topic | Merge pull request #13 from acme/topic\n\nfeat: big
run
version 1.0.1
section Fixed: a

=== (#N) stays text when the repository is on no known forge
config release: {repository: git.example.org/acme/widget}
tag v1.0.0
commit fix: y (#12)
run
version 1.0.1
section Fixed: y (#12)

=== (#N) links on Codeberg (Gitea/Forgejo)
config release: {repository: https://codeberg.org/acme/widget}
tag v1.0.0
commit fix: y (#12)
run
version 1.0.1
section Fixed: y ([#12](https://codeberg.org/acme/widget/issues/12))

=== (#N) links on Bitbucket
config release: {repository: bitbucket.org/acme/widget}
tag v1.0.0
commit fix: y (#12)
run
version 1.0.1
section Fixed: y ([#12](https://bitbucket.org/acme/widget/issues/12))

=== monorepo: the root package does not bump for a feat that touched only workspaces/
config release: {exclude_paths: [workspaces/]}
tag v1.0.0
commit-in workspaces/app/main.js feat: app feature
run
nothing
commit-in src/core.js fix: root fix
run
version 1.0.1
section Fixed: root fix

=== monorepo: a package with its own tag prefix (lerna's app@1.2.3) and paths
config release: {tag_prefix: "app@", paths: [workspaces/app]}
commit-in workspaces/app/main.js feat: first
tag app@1.0.0
tag v9.0.0
commit-in workspaces/app/main.js feat: app feature
commit-in src/core.js fix: root fix
commit-in workspaces/application/x.js fix: a sibling folder with a longer name
run
version 1.1.0
section Added: app feature

=== monorepo: --tag-prefix and --path select a package from the command line (release-please components)
tag v1.0.0
commit-in packages/api/a.go feat: api thing
tag api-v0.2.0
commit-in packages/api/a.go fix: api fix
commit-in packages/web/b.ts feat: web thing
run --tag-prefix api-v --path packages/api
version 0.2.1
section Fixed: api fix

=== Release-As footers set the next version
tag v1.0.0
commit chore: prepare 2.0\n\nRelease-As: 2.0.0
run
version 2.0.0

=== Release-As below the last release is refused, naming the commit
tag v1.3.0
commit fix: a\n\nRelease-As: 1.2.0
run
error commit [0-9a-f]{7}: Release-As: 1\.2\.0 is not higher than the last release 1\.3\.0
TABLE

n=0
declare -a WANT_SECTION=()
WANT="" RAN="" ALL_VERSION=""

# The section's entries as `Title: entry`, short hashes left out.
entries_of() {
  awk '/^### /{title=substr($0,5); next} /^- /{line=substr($0,3); print title ": " line}' |
    sed -E 's/ \([0-9a-f]{7}\)//g'
}

check_pending() {
  [ -n "$RAN" ] || return 0
  local label="case $n ($CASE), run '$RAN'"
  if [ "${WANT%% *}" != error ] && [ "$CODE" -ne 0 ]; then
    fail "$label: exit $CODE"$'\n'"$ERR"
    RAN="" WANT="" ALL_VERSION="" WANT_SECTION=()
    return 0
  fi
  case "$WANT" in
  nothing)
    expect_code 0 "$label"
    [ "$(json_get 'd["nothing_to_release"]')" = "True" ] || fail "$label: wanted nothing to release, got $(json_get 'd["version"]["next"]')"
    ;;
  error\ *)
    expect_code 2 "$label"
    expect_err "${WANT#error }" "$label"
    ;;
  version\ *)
    expect_code 0 "$label"
    local got
    got=$(json_get 'd["version"]["next"]')
    [ "$got" = "${WANT#version }" ] || fail "$label: version $got, wanted ${WANT#version }"$'\n'"$(json_get 'd["section"]')"
    ;;
  all)
    expect_code 0 "$label"
    ;;
  esac
  if [ "$WANT" != nothing ] && [ "${WANT%% *}" != error ]; then
    local section
    if [ -n "$ALL_VERSION" ]; then
      section=$(awk -v h="## [$ALL_VERSION] " 'index($0,h)==1{on=1; next} /^## /{on=0} on' <<<"$OUT")
    else
      section=$(json_get 'd["section"]')
    fi
    local got_entries want_entries=""
    got_entries=$(entries_of <<<"$section")
    [ ${#WANT_SECTION[@]} -gt 0 ] && want_entries=$(printf '%s\n' "${WANT_SECTION[@]}")
    if [ ${#WANT_SECTION[@]} -gt 0 ] || [ "$WANT" = all ]; then
      [ "$got_entries" = "$want_entries" ] ||
        fail "$label: section entries differ"$'\n'"$(diff <(echo "$want_entries") <(echo "$got_entries"))"
    fi
  fi
  RAN="" WANT="" ALL_VERSION="" WANT_SECTION=()
}

start_case() {
  check_pending
  n=$((n + 1))
  CASE=$1
  repo="$E2E_TMP/case$n"
  new_repo "$repo"
  cd "$repo" || exit 1
  git remote add origin https://github.com/acme/widget.git
  echo "version: 1" >"$E2E_TMP/config$n"
  cp "$E2E_TMP/config$n" tollgate.yaml # untracked: the history is the case's
  files=0
}

commit_in() { # commit_in PATH MSG
  mkdir -p "$(dirname "$1")"
  files=$((files + 1))
  echo "change $files" >>"$1"
  git add -A -- "$1"
  git commit -q -F <(printf '%b\n' "$2")
}

while IFS= read -r line; do
  [ -z "$line" ] && continue
  verb=${line%% *}
  rest=${line#* }
  [ "$verb" = "$line" ] && rest=""
  case "$verb" in
  ===) start_case "$rest" ;;
  commit) commit_in "f$((files + 1)).txt" "$rest" ;;
  commit-in) commit_in "${rest%% *}" "${rest#* }" ;;
  tag) git tag "$rest" ;;
  branch) git checkout -q -b "$rest" ;;
  checkout) git checkout -q "$rest" ;;
  merge) git merge -q --no-ff -m "$(printf '%b' "${rest#* | }")" "${rest%% | *}" >/dev/null ;;
  revert)
    subject=${rest%% | *}
    target=$(git log --format='%H %s' | awk -v s="$subject" '{h=$1; $1=""; if (substr($0,2)==s) {print h; exit}}')
    [ -n "$target" ] || fail "case $n: no commit '$subject' to revert"
    mainline=()
    [ "$(git rev-list --parents -n 1 "$target" | wc -w)" -gt 2 ] && mainline=(-m 1) # a merge: undo its branch
    git revert --no-edit "${mainline[@]}" "$target" >/dev/null
    if [ "$rest" != "$subject" ]; then
      body=$(git log -1 --format=%b)
      git commit -q --amend -F <(printf '%s\n\n%s\n' "${rest#* | }" "$body")
    fi
    ;;
  config)
    echo "$rest" >>"$E2E_TMP/config$n"
    cp "$E2E_TMP/config$n" tollgate.yaml
    ;;
  run)
    check_pending
    # shellcheck disable=SC2086 # the options are words
    tg --json changelog $rest
    RAN="changelog $rest"
    ;;
  all)
    check_pending
    tg changelog --all
    RAN="changelog --all" WANT=all ALL_VERSION=$rest
    ;;
  version | nothing | error) WANT=$line ;;
  section) WANT_SECTION+=("$rest") ;;
  *) fail "unknown step '$line'" ;;
  esac
done <<<"$CASES"
check_pending
[ "$n" -ge 20 ] || fail "only $n cases ran"
finish
