#!/usr/bin/env bash
# approve / approvals / gate through the binary: real keys, git CLI interop in both directions,
# exit codes, --json, GitHub annotations, and the errors a user meets first.
source "$(dirname "$0")/lib.bash"

export GNUPGHOME="$E2E_TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
fpr_of() { gpg --batch --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
for who in "Ada Lovelace <ada@example.com>" "Bob Builder <bob@example.com>" "Eve Outsider <eve@example.com>"; do
  gpg --batch --quiet --passphrase '' --quick-gen-key "$who" ed25519 sign never 2>/dev/null
done
ADA=$(fpr_of ada@example.com) BOB=$(fpr_of bob@example.com) EVE=$(fpr_of eve@example.com)

repo="$E2E_TMP/repo"
mkdir -p "$repo/.tollgate/keys"
cd "$repo" || exit 1
git init -q -b main
gpg --armor --export "$ADA" >.tollgate/keys/ada.asc
gpg --armor --export "$BOB" >.tollgate/keys/bob.asc
cat >MAINTAINERS.yaml <<YAML
maintainers:
  - name: Ada Lovelace
    email: ada@example.com
    keys: [$ADA]
    roles: [release, security]
  - name: Bob Builder
    email: bob@example.com
    keys: [$BOB]
YAML
write_config . <<'YAML'
version: 1
checks:
  - approvals: {}
YAML
git add -A && git commit -q -m "feat: first"
HEAD_SHA=$(git rev-parse HEAD)

# Without a repository identity, approving is refused (approvals could be replayed elsewhere).
tg approve --key "$ADA"
expect_code 3 "approve without release.repository or origin"
expect_err "release.repository" "the error says how to fix it"
git remote add origin git@github.com:example/demo.git

tg approve no-such-rev --key "$ADA"
expect_code 2 "approve of a revision that does not resolve"
expect_err "no-such-rev" "the error names the revision"

tg approve --key 0000000000000000000000000000000000000000
expect_code 3 "approve with a key that is not here"
expect_err "no secret key" "the error says the key is missing"

tg gate
expect_code 1 "the gate is closed without approvals"
expect_out "0 of 2 required approvals" "gate summary"

tg approve --key "$ADA" --comment "reviewed the diff"
expect_code 0 "ada approves"
expect_out "refs/tollgate/approvals/$HEAD_SHA/$ADA" "the ref is printed"
expect_out "git push origin 'refs/tollgate/\*:refs/tollgate/\*'" "the push refspec is printed"
git verify-tag "$(git rev-parse "refs/tollgate/approvals/$HEAD_SHA/$ADA")" 2>/dev/null ||
  fail "git verify-tag rejects tollgate's approval"

tg approve --key "$EVE"
expect_code 0 "an outsider can sign, but is warned"
expect_err "will not count" "the outsider is warned"

# Bob approves with plain git: `git tag -s` with the approval message, filed under his ref.
cat >"$E2E_TMP/msg" <<MSG
tollgate approval v1

repository: https://github.com/example/demo
commit: $HEAD_SHA
tree: $(git rev-parse HEAD^{tree})
MSG
git -c user.name="Bob Builder" -c user.email=bob@example.com -c user.signingkey="$BOB" \
  tag -s -F "$E2E_TMP/msg" bob-approval HEAD
git update-ref "refs/tollgate/approvals/$HEAD_SHA/$BOB" "$(git rev-parse bob-approval)"
git tag -d bob-approval >/dev/null

tg approvals
expect_code 0 "two maintainers approved"
expect_out "Ada Lovelace <ada@example.com>.*counts" "ada counts"
expect_out "Bob Builder <bob@example.com>.*counts" "bob's git-made approval counts"
expect_out "unknown key" "eve's approval is refused as an unknown key"
expect_out "\"reviewed the diff\"" "the comment is shown"
expect_out "^2 of 2 required approvals$" "the closing line"

tg -v approvals
expect_code 0 "approvals -v"
expect_err "gpg processes: 0$" "signatures are verified in-process: no gpg process"

tg --json approvals
expect_code 0 "approvals --json"
[ "$(json_get 'd["counted"]')" = 2 ] || fail "--json counted"
[ "$(json_get 'sorted(a["verdict"] for a in d["approvals"])')" = "['counts', 'counts', 'unknown-key']" ] ||
  fail "--json verdicts: $OUT"

tg gate --junit "$E2E_TMP/gate.xml"
expect_code 0 "the gate opens with two approvals"
grep -q "<testcase" "$E2E_TMP/gate.xml" || fail "gate --junit writes JUnit"

# A new commit is a new candidate: the approvals of the old one do not carry over.
git commit -q --allow-empty -m "fix: after review"
GITHUB_ACTIONS=true tg gate
expect_code 1 "the gate closes for an unapproved commit"
expect_out "::error title=tollgate approvals::" "GitHub annotation"
tg gate HEAD~1
expect_code 0 "the gate still opens for the approved commit"

# Malformed trust root: exit 2 with file:line:col.
printf 'maintainers:\n  - name: Ada\n    email: ada@example.com\n    keys: [not-a-fingerprint]\n' >MAINTAINERS.yaml
git commit -q -am "chore: break the maintainers file"
tg approvals
expect_code 2 "malformed MAINTAINERS.yaml"
expect_err "MAINTAINERS.yaml:4:12: .not-a-fingerprint. is not a full fingerprint" "file:line:col"

finish
