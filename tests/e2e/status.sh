#!/usr/bin/env bash
# Bare `tollgate`: the repository's state and the one next step, then the command list.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

tg -C "$E2E_TMP"
expect_code 0 "bare tollgate outside a repository"
expect_out "next: run tollgate inside the git repository" "outside a repository: where to run it"
expect_out "^  promote +Run the checklist" "then the command list"

repo="$E2E_TMP/repo"
new_repo "$repo"
tg -C "$repo"
expect_code 0 "bare tollgate without tollgate.yaml"
expect_out "no tollgate.yaml in" "the state: no configuration"
expect_out "next: \`tollgate init\`" "the next step: init"
expect_out "^  init +Write a commented tollgate.yaml" "the command list"
expect_no_out "__complete" "the hidden helper is not listed"

repo="$E2E_TMP/governed"
promote_repo "$repo"
short=$(git -C "$repo" rev-parse --short=7 HEAD)
tg -C "$repo"
expect_out "candidate $short awaits approvals: 0 of 2 required \(approved by nobody yet\)" "awaiting approvals"
expect_out "next: maintainers run \`tollgate approve $short\`" "the next step: approve"
"$TOLLGATE" -C "$repo" approve --key "$ADA" >/dev/null 2>&1 || fail "ada could not approve"
tg -C "$repo"
expect_out "awaits approvals: 1 of 2 required \(approved by Ada Lovelace\)" "who has approved"
"$TOLLGATE" -C "$repo" approve --key "$BOB" >/dev/null 2>&1 || fail "bob could not approve"
tg -C "$repo"
expect_out "has 2 of 2 required approvals \(approved by Ada Lovelace, Bob Builder\)" "ready"
expect_out "next: \`tollgate promote\`" "the next step: promote"
tg -C "$repo" --json
[ "$(json_get '"tollgate promote" in d["next"] and any(c["name"] == "verify" for c in d["commands"])')" = True ] ||
  fail "--json: state, next and commands: $OUT"
tg -C "$repo" promote
expect_code 0 "control: the promotion"
tg -C "$repo"
expect_out "is the \`stable\` release" "after the promotion: HEAD is stable"

echo "broken: [" >"$repo/tollgate.yaml"
tg -C "$repo"
expect_code 0 "bare tollgate with a broken tollgate.yaml still answers"
expect_out "tollgate.yaml" "the state names the broken file"
expect_out "next: \`tollgate doctor\`" "the next step: doctor"

finish
