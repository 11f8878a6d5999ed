#!/usr/bin/env bash
# Attestation benchmark (see README.md): `tollgate promote` of a tree CI has attested, in a
# repository holding 10,000 attestation refs (one attested tree among 10,000), against
# `tollgate promote --rerun` of the same candidate (pytest runs, confined). Targets: the attested
# promotion under 100 ms median, and at most 1/20 of the time of the one that runs the checks.
# Each run promotes a fresh copy (`cp -a`, in hyperfine's --prepare) of one template: a bootstrap
# candidate with two maintainers' approvals, CI's attestation of its pytest check, and 9,999 refs
# under refs/tollgate/attestations/<other trees>/ (packed, as a fetched repository holds them).
# The pytest suite: 200 tests of 25 ms each (5 s: a small suite; real ones take minutes, which
# only improves the ratio). For information: `tollgate attestations` with the 10,000 refs and with
# only the candidate's, to show what judging costs beside the promotion's own signing.
# Usage: bench/attestations.sh [RUNS]   (default 20; TOLLGATE=path times that binary)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
if [ -z "${TOLLGATE:-}" ]; then
  bash "$here/scripts/build.sh" ci >/dev/null
fi
tollgate=$(realpath "${TOLLGATE:-$here/build/ci/tollgate}")
command -v hyperfine >/dev/null || { echo "attestations.sh: hyperfine is not installed" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench-attest-XXXXXX")
export GNUPGHOME="$work/gnupg" HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache"
mkdir -p -m 700 "$GNUPGHOME" "$HOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent >/dev/null 2>&1 || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL=author@bench.example
export GIT_COMMITTER_NAME="Test Author" GIT_COMMITTER_EMAIL=author@bench.example
unset SANDBOX_CPU_SEC SANDBOX_MEM_MB TOLLGATE_FAULT

fpr_of() { gpg --batch --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
for who in "Ada Lovelace <ada@bench.example>" "Bob Builder <bob@bench.example>" "CI Bot <ci@bench.example>"; do
  gpg --batch --quiet --passphrase '' --quick-gen-key "$who" ed25519 sign never 2>/dev/null
done
ada=$(fpr_of "<ada@bench.example>") bob=$(fpr_of "<bob@bench.example>") ci=$(fpr_of "<ci@bench.example>")

template="$work/template"
mkdir -p "$template/.tollgate/keys" "$template/tests"
cd "$template"
git init -q -b main
for who in ada bob ci; do gpg --batch --armor --export "${!who}" >".tollgate/keys/$who.asc"; done
cat >MAINTAINERS.yaml <<YAML
maintainers:
  - {name: Ada Lovelace, email: ada@bench.example, keys: [$ada]}
  - {name: Bob Builder, email: bob@bench.example, keys: [$bob]}
attesters:
  - {name: CI, keys: [$ci], checks: [pytest]}
YAML
cat >tollgate.yaml <<'YAML'
version: 1
release:
  repository: bench.example/attest
  signing_key: ada@bench.example
checks:
  - pytest: {args: [-q, -p, no:cacheprovider]}
  - approvals: {}
YAML
cat >tests/test_suite.py <<'PY'
import time

import pytest

@pytest.mark.parametrize("n", range(200))
def test_suite(n):
    time.sleep(0.025)  # what a test waits for: a subprocess, a socket, a file
    assert sum(range(n * 100)) == n * 100 * (n * 100 - 1) // 2
PY
git add -A && git commit -q -m "feat: the candidate"
"$tollgate" approve --key "$ada" >/dev/null && "$tollgate" approve --key "$bob" >/dev/null
"$tollgate" check --attest --key "$ci" >/dev/null
tree=$(git rev-parse 'HEAD^{tree}')
blob=$(git rev-parse "refs/tollgate/attestations/$tree/pytest/$ci")
# 9,999 more attestation refs, of other trees (the same blob: what is listed and read is the point).
/usr/bin/python3 - "$blob" "$ci" <<'PY' | git update-ref --stdin
import hashlib, sys
blob, key = sys.argv[1], sys.argv[2]
for i in range(9999):
    tree = hashlib.sha1(b"tree %d" % i).hexdigest()
    print(f"create refs/tollgate/attestations/{tree}/pytest/{key} {blob}")
PY
git pack-refs --all
echo "attestation refs: $(git for-each-ref refs/tollgate/attestations | wc -l)" >&2
"$tollgate" attestations | tail -1 >&2
rm -rf .git/tollgate/logs
few="$work/few"
cp -a "$template" "$few"
git -C "$few" for-each-ref --format='delete %(refname)' refs/tollgate/attestations |
  grep -v "/$tree/" | git -C "$few" update-ref --stdin
git -C "$few" pack-refs --all

hyperfine -N --runs "$runs" --warmup 2 --export-json "$work/listing.json" \
  -n "attestations (10,000 refs)" "$tollgate -C $template attestations" \
  -n "attestations (1 ref)" "$tollgate -C $few attestations" >&2
hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/result.json" \
  --prepare "bash -c 'rm -rf $work/run && cp -a $template $work/run'" \
  -n "promote (pytest attested)" "$tollgate -C $work/run promote" \
  -n "promote --rerun (pytest runs)" "$tollgate -C $work/run promote --rerun" >&2
/usr/bin/python3 - "$work/result.json" "$work/listing.json" <<'PY'
import json, sys
r = {x["command"]: x for f in sys.argv[1:] for x in json.load(open(f))["results"]}
many = r["attestations (10,000 refs)"]["median"] * 1000
few = r["attestations (1 ref)"]["median"] * 1000
print(f"tollgate attestations: {many:.1f} ms with 10,000 refs, {few:.1f} ms with 1 (information)")
attested = r["promote (pytest attested)"]["median"] * 1000
rerun = r["promote --rerun (pytest runs)"]["median"] * 1000
print(f"promote, pytest attested (10,000 attestation refs): {attested:.1f} ms median (target < 100 ms)")
print(f"promote --rerun, pytest runs:                       {rerun:.1f} ms median")
print(f"ratio: {attested / rerun:.3f} = 1/{rerun / attested:.1f} (target <= 1/20)")
PY
