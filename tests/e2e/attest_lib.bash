# Shared by the attestation scenarios: keys for two maintainers, CI (an attester for pytest), Eve
# (her key in .tollgate/keys, no attester) and Mallory (unknown); a bare origin; the maintainer's
# clone released once (v0.1.0), then a second feature pushed and approved: CANDIDATE, TREE.
# Source after lib.bash; leaves the shell in the maintainer's clone.

export GNUPGHOME="$E2E_TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
fpr_of() { gpg --batch --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
for who in "Ada Lovelace <ada@example.com>" "Bob Builder <bob@example.com>" "CI Bot <ci@example.com>" \
  "Eve Outsider <eve@example.com>" "Mallory Unknown <mallory@example.com>"; do
  gpg --batch --quiet --passphrase '' --quick-gen-key "$who" ed25519 sign never 2>/dev/null
done
ADA=$(fpr_of ada@example.com) BOB=$(fpr_of bob@example.com) CI=$(fpr_of ci@example.com)
EVE=$(fpr_of eve@example.com) MALLORY=$(fpr_of mallory@example.com)
MARKER=PYTEST-RAN-MARKER

# The maintainer's clone, pushing to a bare origin. Eve's key is in .tollgate/keys (she could sign)
# but she is no attester; Mallory's is nowhere.
origin="$E2E_TMP/origin.git"
git init -q --bare -b main "$origin"
repo="$E2E_TMP/maintainer"
mkdir -p "$repo/.tollgate/keys" "$repo/tests"
cd "$repo" || exit 1
git init -q -b main
git remote add origin "$origin"
for who in ADA BOB CI EVE; do gpg --armor --export "${!who}" >".tollgate/keys/${who,,}.asc"; done
cat >MAINTAINERS.yaml <<YAML
maintainers:
  - name: Ada Lovelace
    email: ada@example.com
    keys: [$ADA]
  - name: Bob Builder
    email: bob@example.com
    keys: [$BOB]
attesters:
  - name: CI
    keys: [$CI]
    checks: [pytest]
YAML
cat >tollgate.yaml <<'YAML'
version: 1
release:
  repository: example.com/attest
  signing_key: ada@example.com
checks:
  - pytest: {args: [-q, -s], timeout: 300}
  - command: {id: unit, run: "echo UNIT-RAN-MARKER"}
  - approvals: {}
YAML
cat >tests/test_app.py <<PY
import pytest

@pytest.mark.parametrize("n", range(8))
def test_app(n):
    print("$MARKER", f"test-{n}-ran")
    assert n + n == 2 * n
PY
git add -A && git commit -q -m "feat: the first feature"
"$TOLLGATE" approve --key "$ADA" >/dev/null 2>&1 && "$TOLLGATE" approve --key "$BOB" >/dev/null 2>&1 ||
  fail "the maintainers cannot approve"
tg promote
expect_code 0 "control: the first promotion runs its checks"
git push -q origin main --tags 'refs/tollgate/*:refs/tollgate/*' 2>/dev/null || fail "cannot push the release"

# The candidate: a second feature.
echo "VALUE = 2" >app.py
git add -A && git commit -q -m "feat: the second feature"
git push -q origin main 2>/dev/null || fail "cannot push the candidate"
CANDIDATE=$(git rev-parse HEAD) TREE=$(git rev-parse 'HEAD^{tree}')
"$TOLLGATE" approve --key "$ADA" >/dev/null 2>&1 && "$TOLLGATE" approve --key "$BOB" >/dev/null 2>&1 ||
  fail "the maintainers cannot approve the candidate"


# Whether REGEX appears in this clone's check logs since they were last cleared.
ran() { grep -rqs "$1" .git/tollgate/logs; }
clear_logs() { rm -rf .git/tollgate/logs; }
