#!/usr/bin/env bash
# `tollgate changelog`: preview, --write (atomic edit of a hand-written file, idempotent), --json,
# --prerelease, --version, --all, nothing to release, and the `changelog` check.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
cd "$repo" || exit 1
git remote add origin https://github.com/acme/widget.git
mkdir -p docs
write_config "$repo" <<'YAML'
release:
  changelog: docs/CHANGELOG.md
checks:
  - changelog: {}
YAML
printf '# Changelog\n\nOdd   intro  \n\n## [Unreleased]\n\n### Fixed\n* hand-written fix\n\n## [1.0.0] - 2020-01-01\n- first\n\n[1.0.0]: https://github.com/acme/widget/releases/tag/v1.0.0\n' >docs/CHANGELOG.md
git add -A && git commit -qm "docs: the changelog"
git tag v1.0.0
git commit -q --allow-empty -m "feat(cli): add --json"
git commit -q --allow-empty -m "fix: crash on empty input"
git commit -q --allow-empty -m "not conventional at all"
export SOURCE_DATE_EPOCH=1764028800 # 2025-11-25

tg changelog
expect_code 0 "preview"
expect_out '^next version: 1\.1\.0 \(minor since v1\.0\.0, 2 entries\)$' "preview names the version"
expect_out '^## \[1\.1\.0\] - 2025-11-25$' "preview prints the section"
expect_out '^- \*\*cli:\*\* add --json \([0-9a-f]{7}\)$' "feat listed with its scope"
expect_no_out 'not conventional' "free text left out by default"
if ! cmp -s docs/CHANGELOG.md <(git show HEAD:docs/CHANGELOG.md); then fail "a preview wrote the file"; fi

tg changelog --json
expect_code 0 "json"
[ "$(json_get 'd["version"]["next"]')" = "1.1.0" ] || fail "json next: $OUT"
[ "$(json_get 'd["version"]["previous"]')" = "1.0.0" ] || fail "json previous"
[ "$(json_get 'd["version"]["bump"]')" = "minor" ] || fail "json bump"
[ "$(json_get 'len(d["commits"])')" = "3" ] || fail "json commits"

tg changelog --write
expect_code 0 "write"
expected='# Changelog

Odd   intro  

## [Unreleased]

## [1.1.0] - 2025-11-25

### Added

- **cli:** add --json (HASH)

### Fixed

* hand-written fix
- crash on empty input (HASH)

## [1.0.0] - 2020-01-01
- first

[Unreleased]: https://github.com/acme/widget/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/acme/widget/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/acme/widget/releases/tag/v1.0.0'
actual=$(sed -E 's/\([0-9a-f]{7}\)/(HASH)/' docs/CHANGELOG.md)
[ "$actual" = "$expected" ] || fail "written file:"$'\n'"$(diff <(echo "$expected") <(echo "$actual"))"
cp docs/CHANGELOG.md "$E2E_TMP/once"
tg changelog --write
expect_code 0 "write again"
expect_out 'unchanged' "second write says unchanged"
cmp -s docs/CHANGELOG.md "$E2E_TMP/once" || fail "second write changed the file"
ls docs | grep -qv '^CHANGELOG.md$' && fail "a temporary file was left behind: $(ls docs)"

tg changelog --prerelease rc
expect_out '^next version: 1\.1\.0-rc\.1 ' "first rc"
git tag v1.1.0-rc.1
git commit -q --allow-empty -m "fix: second bug"
tg changelog --prerelease rc
expect_out '^next version: 1\.1\.0-rc\.2 \(minor since v1\.1\.0-rc\.1, 1 entry\)' "second rc counts up"
tg changelog
expect_out '^next version: 1\.1\.0 \(minor since v1\.0\.0, 3 entries\)' "final after the rcs"

tg changelog --version 1.0.0
expect_code 2 "--version not higher"
expect_err 'not higher than the last release 1\.1\.0-rc\.1' "says why"
tg changelog --version 4.0.0
expect_code 0 "--version higher"
expect_out '^next version: 4\.0\.0 \(major' "explicit version"
tg changelog --version 1.2.0 --prerelease rc
expect_code 2 "--version and --prerelease exclude each other"

tg changelog --all
expect_code 0 "--all"
expect_out '^## \[Unreleased\]$' "--all has Unreleased"
expect_out '^## \[1\.1\.0-rc\.1\] - ' "--all has the rc"
expect_out '^## \[1\.0\.0\] - ' "--all has 1.0.0"
expect_out '^\[1\.1\.0-rc\.1\]: https://github.com/acme/widget/compare/v1\.0\.0\.\.\.v1\.1\.0-rc\.1$' "--all links"

tg check
expect_code 0 "check"
expect_out 'changelog .*next 1\.1\.0 \(minor since v1\.0\.0' "check previews"
tg --json check
[ "$(json_get '[c for c in d["checks"] if c["id"]=="changelog"][0]["details"]["next"]')" = "1.1.0" ] || fail "check details: $OUT"

git tag v1.1.0
git commit -q --allow-empty -m "docs: only docs"
tg changelog
expect_code 0 "nothing to release previews fine"
expect_out '^nothing to release: 1 commit since v1\.1\.0, none listed in the changelog$' "says nothing to release"
tg changelog --write
expect_code 1 "nothing to release cannot be written"
tg check
expect_code 0 "nothing to release passes the check by default"
expect_out 'nothing to release since v1\.1\.0' "check says so"
write_config "$repo" <<'YAML'
release:
  changelog: docs/CHANGELOG.md
checks:
  - changelog: {require_release: true}
YAML
tg check
expect_code 1 "require_release fails the check"

tg changelog --to does-not-exist
expect_code 2 "unknown revision"
expect_err 'does-not-exist' "names the revision"
finish
