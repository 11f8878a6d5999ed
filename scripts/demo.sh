#!/usr/bin/env bash
# The demo: builds tollgate if needed, makes a throwaway repository holding a small Python project
# (a local pre-commit hook, a pytest suite, a .env with sandbox limits, check_env.py), throwaway
# GPG keys of two maintainers, then tells the whole story for real: `init`, `doctor`, `gate` (closed),
# `approve` x2, `approvals`, `check`, `promote` (signed v0.1.0 and stable, checked with `git tag -v`),
# an agent's bad change stopped by the checklist, a second release, `verify`, `rollback --demote`,
# `history`.
# Usage: scripts/demo.sh [--keep]   (--keep leaves the demo repository in place)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[ "${1:-}" = "--keep" ] && keep=1

bash "$here/scripts/build.sh" ci >/dev/null || { echo "demo: the build failed; run scripts/build.sh ci to see why" >&2; exit 3; }
tollgate="$here/build/ci/tollgate"

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-demo-XXXXXX")
export GNUPGHOME="$work/gnupg"
cleanup() {
  gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  if [ "$keep" -eq 0 ]; then rm -rf "$work"; else echo "demo repository kept in $work/project"; fi
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"
repo="$work/project"
mkdir -p "$repo/calc" "$repo/tests" "$repo/docs"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
  step() { printf '\n== %s\n' "$*"; }
fi

step "a throwaway project in $repo"
cat >"$repo/calc/__init__.py" <<'PY'
"""A tiny calculator: the code an agent is allowed to change."""


def add(a, b):
    return a + b


def mean(values):
    if not values:
        raise ValueError("mean of nothing")
    return sum(values) / len(values)
PY
cat >"$repo/tests/test_calc.py" <<'PY'
import pytest

from calc import add, mean


def test_add():
    assert add(2, 3) == 5


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_mean_of_nothing():
    with pytest.raises(ValueError):
        mean([])
PY
cat >"$repo/conftest.py" <<'PY'
# Makes `calc` importable from the repository root.
PY
cat >"$repo/.pre-commit-config.yaml" <<'YAML'
repos:
  - repo: local
    hooks:
      - id: no-breakpoints
        name: no breakpoint() left behind
        language: system
        entry: sh -c '! grep -n "breakpoint()" "$@"' --
        types: [python]
      - id: trailing-whitespace
        name: no trailing whitespace
        language: system
        entry: sh -c '! grep -nE " +$" "$@"' --
        types: [python]
YAML
cat >"$repo/.env" <<'ENV'
# Sandbox limits for generated code (read by tollgate's sandbox-limits check).
SANDBOX_CPU_SEC=30
SANDBOX_MEM_MB=2048
ENV
cat >"$repo/check_env.py" <<'PY'
"""Checks that the runtime this project needs is here."""
import sys

if sys.version_info < (3, 9):
    sys.exit(f"python >= 3.9 needed, found {sys.version.split()[0]}")
print(f"python {sys.version.split()[0]}: ok")
PY
cat >"$repo/docs/CHANGELOG.md" <<'MD'
# Changelog

All notable changes to this project are documented here.

## [Unreleased]
MD
git -C "$repo" init -q -b main
git -C "$repo" remote add origin https://example.com/demo/project.git # never fetched: it names the repository
agent=(-c user.name="Demo Agent" -c user.email="agent@example.com")
git -C "$repo" "${agent[@]}" add -A
git -C "$repo" "${agent[@]}" commit -qm "feat: a tiny calculator"
find "$repo" -path "$repo/.git" -prune -o -type f -print | sed "s|$repo/|  |" | sort

step "two maintainers with throwaway GPG keys, listed in MAINTAINERS.yaml with their public keys"
for who in "Ada Lovelace <ada@example.com>" "Bob Builder <bob@example.com>"; do
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key "$who" ed25519 sign 1d 2>/dev/null
done
fpr_of() { gpg --batch --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
ada=$(fpr_of ada@example.com)
bob=$(fpr_of bob@example.com)
mkdir -p "$repo/.tollgate/keys"
gpg --armor --export "$ada" >"$repo/.tollgate/keys/ada.asc"
gpg --armor --export "$bob" >"$repo/.tollgate/keys/bob.asc"
cat >"$repo/MAINTAINERS.yaml" <<YAML
maintainers:
  - name: Ada Lovelace
    email: ada@example.com
    keys: [$ada]
    roles: [release, security]
  - name: Bob Builder
    email: bob@example.com
    keys: [$bob]
    roles: [release]
YAML
sed 's/^/  | /' "$repo/MAINTAINERS.yaml"

step "tollgate init"
"$tollgate" -C "$repo" init
# What `tollgate rollback` runs after checking out stable (a real project would deploy here).
sed -i 's|^  deploy: ""|  deploy: "echo deploying {{tag}} at {{commit}}"|' "$repo/tollgate.yaml"
sed 's/^/  | /' "$repo/tollgate.yaml"
git -C "$repo" "${agent[@]}" add -A
git -C "$repo" "${agent[@]}" commit -qm "chore: add tollgate.yaml and the maintainers"

step "tollgate doctor"
"$tollgate" -C "$repo" doctor

step "tollgate gate (what CI runs on a pull request): closed, nobody approved this commit yet"
set +e
"$tollgate" -C "$repo" gate
code=$?
set -e
echo "exit code $code: the gate stays closed"

step "two maintainers approve exactly this commit (GPG-signed, stored under refs/tollgate/approvals/)"
"$tollgate" -C "$repo" approve --key "$ada" --comment "reviewed the calculator"
"$tollgate" -C "$repo" approve --key "$bob"
echo "plain git verifies them too:"
git -C "$repo" verify-tag "$(git -C "$repo" rev-parse "refs/tollgate/approvals/$(git -C "$repo" rev-parse HEAD)/$ada")" 2>&1 |
  sed 's/^/  | /'

step "tollgate approvals"
"$tollgate" -C "$repo" approvals

step "tollgate check (the checklist, each command sandboxed, approvals included)"
"$tollgate" -C "$repo" check

step "tollgate promote: the checklist again, then CHANGELOG commit, signed v0.1.0 and stable, audit log"
"$tollgate" -C "$repo" promote --key "$ada"
git -C "$repo" log --oneline --decorate -3 | sed 's/^/  | /'
echo "plain git verifies the release and stable tags:"
git -C "$repo" tag -v v0.1.0 2>&1 | grep -E '^(Tollgate-Promotion|Candidate|Approved-by|gpg: Good)' | sed 's/^/  | /'
git -C "$repo" tag -v stable 2>&1 | grep -E '^(stable ->|gpg: Good)' | sed 's/^/  | /'

step "an agent's bad change: a stray breakpoint() and a broken mean()"
sed -i 's|return sum(values) / len(values)|return sum(values) / (len(values) + 1)|' "$repo/calc/__init__.py"
printf '\n\ndef debug():\n    breakpoint()\n' >>"$repo/calc/__init__.py"
set +e
"$tollgate" -C "$repo" check --keep-going --skip approvals
code=$?
set -e
echo "exit code $code: the gate stays closed"
git -C "$repo" checkout -q -- calc

step "a good change by the agent, approved by both maintainers, promoted as v0.2.0"
cat >>"$repo/calc/__init__.py" <<'PY'


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
PY
git -C "$repo" "${agent[@]}" commit -qam "feat: median"
"$tollgate" -C "$repo" approve --key "$ada" >/dev/null
"$tollgate" -C "$repo" approve --key "$bob" >/dev/null
"$tollgate" -C "$repo" promote --key "$ada"

step "tollgate verify: the release, re-verified from the repository alone"
"$tollgate" -C "$repo" verify

step "v0.2.0 turns out bad: tollgate rollback --demote moves stable back to v0.1.0 and redeploys it"
"$tollgate" -C "$repo" rollback --demote --key "$bob" --reason "median() broke the nightly report" \
  --worktree "$work/deployed"

step "tollgate history"
"$tollgate" -C "$repo" history
echo
echo "demo: two signed releases, a signed demotion, every step in the audit log (refs/tollgate/log)."
