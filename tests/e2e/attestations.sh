#!/usr/bin/env bash
# Check attestations across clones: a CI clone runs `check --attest` (pytest really runs) and pushes;
# the maintainer's clone fetches and promotes without running the attested checks. Forged,
# replayed, stale, wrong-key, wrong-check-id and garbage attestations, and an attester added by the
# candidate itself, are refused and the check runs instead. Each refusal has its control.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/attest_lib.bash"

tg attestations
expect_code 1 "nothing is attested yet"
expect_out "none under refs/tollgate/attestations/$TREE/" "the listing says where it looked"

# CI: its own clone and key; it attests what it ran (pytest really runs there) and pushes.
ci="$E2E_TMP/ci"
git clone -q "$origin" "$ci" 2>/dev/null
git -C "$ci" fetch -q origin 'refs/tollgate/*:refs/tollgate/*'
tg -C "$ci" check --attest --key "$CI"
expect_code 0 "CI attests the candidate"
expect_out "attested pytest \(pass\) as CI Bot <ci@example.com>: refs/tollgate/attestations/$TREE/pytest/$CI" \
  "the attestation's ref is printed"
expect_out "attested unit \(pass\)" "unit is attested too (CI may not: it will not count)"
expect_err "may not attest .unit." "CI is warned that its unit attestation will not count"
expect_no_out "attested approvals" "approvals are never attested"
grep -rqs "$MARKER" "$ci/.git/tollgate/logs" || fail "pytest did not really run on CI"
git -C "$ci" cat-file blob "refs/tollgate/attestations/$TREE/pytest/$CI" >"$E2E_TMP/envelope.json"
/usr/bin/python3 - "$E2E_TMP/envelope.json" "$CANDIDATE" "$TREE" <<'PY' || fail "the envelope is not an in-toto statement in DSSE"
import base64, json, sys
envelope = json.load(open(sys.argv[1]))
assert envelope["payloadType"] == "application/vnd.in-toto+json"
statement = json.loads(base64.b64decode(envelope["payload"]))
assert statement["_type"] == "https://in-toto.io/Statement/v1"
assert statement["predicateType"] == "https://tollgate.dev/check-result/v1"
digests = {k: v for s in statement["subject"] for k, v in s["digest"].items()}
assert digests == {"gitCommit": sys.argv[2], "gitTree": sys.argv[3]}, digests
predicate = statement["predicate"]
assert predicate["check"]["id"] == "pytest" and predicate["check"]["definition"].startswith("sha256:")
assert predicate["result"]["status"] == "pass" and "confine=" in predicate["sandbox"]
assert "tollgate" in predicate["tools"]
PY
# The DSSE signature verifies with plain gpg over the PAE bytes.
/usr/bin/python3 - "$E2E_TMP/envelope.json" "$E2E_TMP" <<'PY'
import base64, json, sys
e = json.load(open(sys.argv[1]))
body = base64.b64decode(e["payload"])
t = e["payloadType"].encode()
open(sys.argv[2] + "/pae", "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body))
open(sys.argv[2] + "/sig", "wb").write(base64.b64decode(e["signatures"][0]["sig"]))
PY
gpg --batch --quiet --verify "$E2E_TMP/sig" "$E2E_TMP/pae" 2>/dev/null || fail "gpg does not verify the DSSE signature"
tg -C "$ci" --json check --attest --key "$CI" --only pytest
expect_code 0 "CI attests again, with --json"
[ "$(json_get 'd["attestations"][0]["check"], d["attestations"][0]["replaced"]')" = "('pytest', True)" ] ||
  fail "--json: the attestation replaced CI's earlier one: $OUT"
git -C "$ci" push -q origin 'refs/tollgate/*:refs/tollgate/*' 2>/dev/null || fail "CI cannot push its attestations"

git fetch -q origin 'refs/tollgate/*:refs/tollgate/*' || fail "cannot fetch the attestations"
PYTEST_REF="refs/tollgate/attestations/$TREE/pytest/$CI"
GOOD=$(git rev-parse "$PYTEST_REF")
tg attestations
expect_code 1 "unit is not attested: the listing exits 1"
expect_out "✔ pytest by CI \(key $CI\): counts" "CI's pytest attestation counts"
expect_out "✘ unit by CI .*attester CI may attest pytest, not .unit." "CI's unit attestation is refused (wrong check id)"
expect_out "1 of 2 attestable checks attested" "summary"
tg --json attestations
[ "$(json_get 'd["checks"][0]["attested"]')" = True ] || fail "json: pytest attested"

# Control: the valid attestation stands in for pytest; unit (not attestable by CI) runs.
clear_logs
tg promote --dry-run
expect_code 0 "control: a dry run with the valid attestation"
expect_out "not run: pytest attested by CI" "the promotion says pytest is attested, and by whom"
ran "$MARKER" && fail "control: pytest ran on the promoter's side although attested"
ran UNIT-RAN-MARKER || fail "wrong check id: unit did not run on the promoter's side"
clear_logs
tg promote --dry-run --rerun
ran "$MARKER" || fail "--rerun did not run pytest"

# refused ATTACK REASON: with the attestation ref replaced, pytest runs again and the listing says why.
refused() {
  clear_logs
  tg promote --dry-run
  expect_code 0 "$1: the promotion still passes (pytest runs)"
  ran "$MARKER" || fail "$1: pytest did not run on the promoter's side"
  expect_no_out "not run: pytest" "$1: no attested line"
  tg attestations
  expect_out "$2" "$1: the listing says why"
}
put() { git update-ref "$1" "$(git hash-object -w --stdin)"; }

# Forged: the payload changed after signing (a failure turned into a pass, say).
/usr/bin/python3 - "$E2E_TMP/envelope.json" <<'PY' | put "$PYTEST_REF"
import base64, json, sys
e = json.load(open(sys.argv[1]))
s = json.loads(base64.b64decode(e["payload"]))
s["predicate"]["result"]["summary"] = "999 passed"
e["payload"] = base64.b64encode(json.dumps(s).encode()).decode()
print(json.dumps(e))
PY
refused "forged" "bad-signature|bad signature"

# Garbage: not an envelope, or not even a blob.
echo "not json" | put "$PYTEST_REF"
refused "garbage blob" "not a DSSE envelope"
git update-ref "$PYTEST_REF" "$CANDIDATE"
refused "a commit" "is a commit, not a DSSE envelope"
git update-ref "$PYTEST_REF" "$GOOD"

# Replayed: CI's attestation of another tree (the first release's), filed under this one.
tg -C "$ci" check v0.1.0 --attest --key "$CI" --only pytest
expect_code 0 "CI attests the first release's commit"
OLD_TREE=$(git rev-parse 'v0.1.0^{commit}^{tree}')
git -C "$ci" cat-file blob "refs/tollgate/attestations/$OLD_TREE/pytest/$CI" | put "$PYTEST_REF"
refused "replayed" "other-tree|it attests tree"
git update-ref "$PYTEST_REF" "$GOOD"

# Stale: attested under other limits (CI's environment lowered the CPU limit): the definition differs.
rm -rf "$E2E_TMP/stale" && git clone -q "$origin" "$E2E_TMP/stale" 2>/dev/null
SANDBOX_CPU_SEC=77 "$TOLLGATE" -C "$E2E_TMP/stale" check --attest --key "$CI" --only pytest >/dev/null 2>&1 ||
  fail "CI cannot attest under other limits"
git -C "$E2E_TMP/stale" cat-file blob "refs/tollgate/attestations/$TREE/pytest/$CI" | put "$PYTEST_REF"
refused "stale" "stale: the check's definition"
git update-ref "$PYTEST_REF" "$GOOD"

# Wrong key: Eve (her key is in .tollgate/keys, she is no attester) and Mallory (unknown key).
git update-ref -d "$PYTEST_REF"
tg check --attest --key "$EVE" --only pytest
expect_err "belongs to no attester" "Eve is warned that her attestation will not count"
refused "not an attester" "key .* belongs to no attester"
git update-ref -d "refs/tollgate/attestations/$TREE/pytest/$EVE"
tg check --attest --key "$MALLORY" --only pytest
refused "unknown key" "unknown key"
git update-ref -d "refs/tollgate/attestations/$TREE/pytest/$MALLORY"
# Misfiled: CI's attestation of `unit` filed as its pytest one.
git update-ref "$PYTEST_REF" "$(git rev-parse "refs/tollgate/attestations/$TREE/unit/$CI")"
refused "misfiled" "filed as pytest by key .*, but it is unit"
git update-ref "$PYTEST_REF" "$GOOD"

# A garbage ref beside the valid one changes nothing.
echo "garbage" | put "refs/tollgate/attestations/$TREE/pytest/$EVE"
clear_logs
tg promote --dry-run
ran "$MARKER" && fail "a garbage attestation beside a valid one made pytest run"
git update-ref -d "refs/tollgate/attestations/$TREE/pytest/$EVE"

# The promotion: pytest attested, unit run; the record says which and by whom.
clear_logs
tg promote
expect_code 0 "the promotion with an attested pytest"
expect_out "not run: pytest attested by CI" "the output says pytest was attested"
ran "$MARKER" && fail "the promotion ran pytest although attested"
git cat-file tag v0.2.0 | grep -q "^Attested-by: pytest $CI $GOOD CI$" || fail "the record lacks Attested-by"
git cat-file tag v0.2.0 | grep -q "^Check: unit pass$" || fail "the record lacks the unit check that ran"
tg verify v0.2.0
expect_code 0 "verify reads a record with Attested-by"

# The attester list is read at stable, never from the candidate: a candidate making Eve an attester.
cat >>MAINTAINERS.yaml <<YAML
  - name: Eve
    keys: [$EVE]
    checks: [pytest]
YAML
git commit -q -am "feat: eve attests"
"$TOLLGATE" approve --key "$ADA" >/dev/null 2>&1 && "$TOLLGATE" approve --key "$BOB" >/dev/null 2>&1
tg check --attest --key "$EVE" --only pytest
expect_code 0 "eve attests her own candidate"
refused "attester from the candidate" "belongs to no attester in MAINTAINERS.yaml at stable"

finish
