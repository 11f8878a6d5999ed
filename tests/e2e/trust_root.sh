#!/usr/bin/env bash
# The trust root cannot brick the repository: a candidate whose MAINTAINERS.yaml, tollgate.yaml or
# .tollgate/keys/ would leave nobody able to approve is refused by `promote` (exit 2, file:line:col,
# nothing written), and `check`/`gate` report it as the built-in `trust-root` check. Each case is a
# candidate that the approvals under the current (good) trust root would otherwise let through.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
released_repo "$repo"

# candidate EDIT MESSAGE: commits what EDIT (a shell snippet run in the repo) changes, approved by both.
candidate() {
  (cd "$repo" && eval "$1")
  git -C "$repo" add -A
  git -C "$repo" commit -q -m "$2"
  approve_head "$repo"
}

# refused LABEL REGEX: promote exits 2 naming the problem, and no ref moved.
refused() {
  local before
  before=$(snapshot "$repo")
  tg -C "$repo" promote
  expect_code 2 "$1"
  expect_err "$2" "$1: names the problem"
  expect_err "nothing was written" "$1: says nothing was written"
  [ "$(snapshot "$repo")" = "$before" ] || fail "$1: a refused promotion changed the repository"
  git -C "$repo" reset -q --hard stable
}

candidate 'echo "  - {name: Eve" >>MAINTAINERS.yaml' "fix: a typo in the maintainers"
refused "malformed MAINTAINERS.yaml" "promotion refused: MAINTAINERS.yaml:[0-9]+:[0-9]+: "

candidate 'sed -i "s/^    keys: \[$BOB\]/    keys: [0123456789ABCDEF0123456789ABCDEF01234567]/" MAINTAINERS.yaml' \
  "chore: bob's new key"
refused "a key that is not under .tollgate/keys" \
  "MAINTAINERS.yaml:[0-9]+:[0-9]+: maintainer .Bob Builder. lists key 0123456789ABCDEF0123456789ABCDEF01234567, which no file under .tollgate/keys/ holds"

candidate 'rm .tollgate/keys/bob.asc' "chore: drop a key file"
refused "a maintainer's key file removed" "lists key $BOB, which no file"

candidate 'printf "approvals:\n  required: 3\n" >>tollgate.yaml' "chore: three approvals"
refused "more approvals required than maintainers" \
  "tollgate.yaml:[0-9]+:[0-9]+: approvals.required is 3 but only 2 maintainers in MAINTAINERS.yaml can approve"

candidate 'printf "approvals:\n  roles: [security]\n" >>tollgate.yaml; sed -i "s/roles: \[release, security\]/roles: [release]/" MAINTAINERS.yaml' \
  "chore: security role"
refused "a required role nobody holds" "approvals.roles requires .security., but no maintainer"

candidate 'echo "not a key" >.tollgate/keys/junk.asc' "chore: a junk key file"
refused "a key file that is not a key" ".tollgate/keys/junk.asc: not an OpenPGP public key"

# A repository identity that is empty or not one is a configuration error naming the line.
for value in '""' 'my-project' '"https://github.com"' '"acme proj"'; do
  sed -i "s|^  repository: .*|  repository: $value|" "$repo/tollgate.yaml"
  tg -C "$repo" promote --dry-run
  expect_code 2 "repository: $value"
  expect_err "tollgate.yaml:3:15: .repository.: " "repository: $value: names the line"
done
git -C "$repo" checkout -q -- tollgate.yaml

# control: a change that keeps the trust root usable promotes.
candidate 'echo "# more" >>MAINTAINERS.yaml' "fix: a comment in MAINTAINERS.yaml"
tg -C "$repo" promote
expect_code 0 "control: a valid change to the trust root promotes"

# `check` in place reports the work tree's trust root; `gate` and `check REV` the commit's.
sed -i "s/^    keys: \[$BOB\]/    keys: [0123456789ABCDEF0123456789ABCDEF01234567]/" "$repo/MAINTAINERS.yaml"
tg -C "$repo" --json check
expect_code 1 "check on a work tree whose trust root is broken"
[ "$(json_get '[c["status"] for c in d["checks"] if c["id"]=="trust-root"][0]')" = fail ] ||
  fail "the trust-root check fails in the JSON report"
[ "$(json_get 'd["checks"][0]["id"]')" = trust-root ] || fail "the trust-root check runs first"
tg -C "$repo" check
expect_out "trust-root.*lists key 0123456789ABCDEF0123456789ABCDEF01234567" "check names the problem"
git -C "$repo" commit -q -am "chore: a broken key list"
tg -C "$repo" gate HEAD
expect_code 1 "gate on a commit whose trust root is broken"
expect_out "trust-root" "gate reports the trust-root check"
git -C "$repo" reset -q --hard stable
tg -C "$repo" check --only trust-root
expect_code 0 "control: the trust-root check passes on a good trust root"
expect_out "trust-root.*2 of 2 maintainers can approve" "says who can approve"

finish
