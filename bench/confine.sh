#!/usr/bin/env bash
# Confinement's cost (issue 13): `tollgate check` with 8 trivial command checks confined
# (namespaces, bwrap) against the same checks with `confine: false`, and against a plain shell
# script running the same 8 commands. Prints medians and ratios (hyperfine, one run).
# Usage: bench/confine.sh [TOLLGATE]   (default: build/ci/tollgate)
set -euo pipefail
tollgate=$(realpath "${1:-build/ci/tollgate}")
work=$(mktemp -d /var/tmp/tollgate-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
make_repo() { # make_repo NAME SANDBOX-LINE
  local dir="$work/$1"
  mkdir -p "$dir" && git -C "$dir" init -q -b main
  { echo "sandbox: $2"; echo "checks:"; for i in 1 2 3 4 5 6 7 8; do echo "  - command: {id: c$i, run: /usr/bin/true}"; done; } >"$dir/tollgate.yaml"
  git -C "$dir" add -A && git -C "$dir" -c user.name=b -c user.email=b@b commit -qm "chore: bench"
}
make_repo ns "{backend: namespaces}"
make_repo bwrap "{backend: bwrap}"
make_repo off "{confine: false}"
printf '#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8; do /usr/bin/true || exit 1; done\n' >"$work/plain.sh"
chmod +x "$work/plain.sh"
hyperfine -N -w 3 -r 30 --export-json "$work/r.json" \
  "$tollgate -C $work/ns check" "$tollgate -C $work/bwrap check" "$tollgate -C $work/off check" "$work/plain.sh" >/dev/null
/usr/bin/python3 - "$work/r.json" <<'PY'
import json, sys
r = {x["command"].split()[2].rsplit("/", 1)[-1] if "check" in x["command"] else "shell": x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
print(f"8 checks confined (namespaces): {r['ns']:.1f} ms; bwrap: {r['bwrap']:.1f} ms; unconfined: {r['off']:.1f} ms; shell: {r['shell']:.1f} ms")
print(f"extra per confined check: namespaces {(r['ns'] - r['off']) / 8:.2f} ms, bwrap {(r['bwrap'] - r['off']) / 8:.2f} ms")
print(f"runner (namespaces) / shell: {r['ns'] / r['shell']:.2f}x; unconfined runner / shell: {r['off'] / r['shell']:.2f}x")
PY
