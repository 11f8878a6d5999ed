#!/usr/bin/env bash
# The demo: builds tollgate if needed, makes a throwaway repository holding a small Python project
# (a local pre-commit hook, a pytest suite, a .env with sandbox limits, check_env.py), throwaway
# GPG keys, then runs `tollgate init`, `tollgate check` and `tollgate doctor` on it for real.
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
git -C "$repo" -c user.name="Demo Maintainer" -c user.email="demo@example.com" add -A
git -C "$repo" -c user.name="Demo Maintainer" -c user.email="demo@example.com" commit -qm "feat: a tiny calculator"
find "$repo" -path "$repo/.git" -prune -o -type f -print | sed "s|$repo/|  |" | sort

step "throwaway GPG key (for the doctor; promotions will sign with it)"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key 'Demo Maintainer <demo@example.com>' ed25519 sign 1d 2>/dev/null
gpg --list-secret-keys --keyid-format long 2>/dev/null | sed -n 's/^\(sec\|uid\) */  \1 /p'

step "tollgate init"
"$tollgate" -C "$repo" init
sed 's/^/  | /' "$repo/tollgate.yaml"
git -C "$repo" -c user.name="Demo Maintainer" -c user.email="demo@example.com" add tollgate.yaml
git -C "$repo" -c user.name="Demo Maintainer" -c user.email="demo@example.com" commit -qm "chore: add tollgate.yaml"

step "tollgate doctor"
"$tollgate" -C "$repo" doctor

step "tollgate check (the checklist, each command sandboxed)"
"$tollgate" -C "$repo" check

step "an agent's bad change: a stray breakpoint() and a broken mean()"
sed -i 's|return sum(values) / len(values)|return sum(values) / (len(values) + 1)|' "$repo/calc/__init__.py"
printf '\n\ndef debug():\n    breakpoint()\n' >>"$repo/calc/__init__.py"
set +e
"$tollgate" -C "$repo" check --keep-going
code=$?
set -e
echo "exit code $code: the gate stays closed"
git -C "$repo" checkout -q -- calc

step "fixed again"
"$tollgate" -C "$repo" check
echo
echo "demo: the checklist passes; 'tollgate check --json' and '--junit FILE' give machine-readable reports."
