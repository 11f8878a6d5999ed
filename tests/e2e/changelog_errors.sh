#!/usr/bin/env bash
# `tollgate changelog` on bad input: configuration mistakes name file:line:col, a CHANGELOG it
# cannot edit is left untouched, a broken template override is named; a missing file is created.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
cd "$repo" || exit 1
git commit -q --allow-empty -m "feat: first feature"
export SOURCE_DATE_EPOCH=1764028800

write_config "$repo" <<'YAML'
changelog:
  include_others: true
YAML
tg changelog
expect_code 2 "unknown changelog key"
expect_err '^tollgate: error: tollgate\.yaml:2:3: unknown key `include_others` in `changelog`, did you mean `include_other`\?$' "names the place"

write_config "$repo" <<'YAML'
changelog:
  types: {docs: Documentation}
YAML
git commit -q --allow-empty -m "docs: explain the gate"
tg changelog --write
expect_code 0 "write creates the file"
[ -f CHANGELOG.md ] || fail "no CHANGELOG.md"
grep -q '^# Changelog$' CHANGELOG.md || fail "no standard header"
grep -q '^## \[Unreleased\]$' CHANGELOG.md || fail "no Unreleased"
grep -q '^## \[0\.1\.0\] - 2025-11-25$' CHANGELOG.md || fail "first release is 0.1.0"
grep -q '^### Documentation$' CHANGELOG.md || fail "configured mapping not used"
grep -q '^\[' CHANGELOG.md && fail "links written without a known origin"

printf '# C\n\n## [Unreleased]\n\n## [unreleased]\n' >CHANGELOG.md
cp CHANGELOG.md "$E2E_TMP/before"
tg changelog --write
expect_code 2 "two Unreleased sections"
expect_err 'CHANGELOG\.md:5:1: a second `## \[Unreleased\]` section' "names the line"
cmp -s CHANGELOG.md "$E2E_TMP/before" || fail "the file was changed"

mkdir -p .tollgate/templates/changelog
printf '{{#sections}}never closed\n' >.tollgate/templates/changelog/section.mustache
tg changelog
expect_code 2 "broken template"
expect_err '\.tollgate/templates/changelog/section\.mustache: ' "names the template"
printf '{{version}}|{{#sections}}{{title}}={{#entries}}{{subject}},{{/entries}};{{/sections}}\n' \
  >.tollgate/templates/changelog/section.mustache
tg changelog
expect_code 0 "own template"
expect_out '^0\.1\.0\|Added=first feature,;Documentation=explain the gate,;$' "own template rendered"
finish
