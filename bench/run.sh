#!/usr/bin/env bash
# Benchmarks for the foundation, side by side in one run, printing medians and ratios:
#   1. runner overhead: `tollgate check` with 8 `command` checks running `true`, against a shell
#      script running the same 8 commands in sequence (target: <= 1.5x and < 30 ms);
#   1b. confined runner (issue 19): the same 8 checks under `network: none` (the backend `auto`
#      picks), against a script running the same 8 commands in sequence, each under
#      `bwrap --unshare-all --die-with-parent --ro-bind / / --tmpfs /tmp --proc /proc --dev /dev`
#      (target: <= 1.5x);
#   2. parallelism: 4 checks each `sleep 1` with --jobs 4 (target: median < 1.15 s);
#   3. startup: `tollgate --version` (target: median < 5 ms).
# Also, for information, the runner with network isolation per backend.
# Usage: bench/run.sh [RUNS]   (needs hyperfine: scripts/install-deps.sh --with-bench)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-40}
bash "$here/scripts/install-deps.sh" --with-bench
bash "$here/scripts/build.sh" ci >/dev/null
tollgate="$here/build/ci/tollgate"

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset SANDBOX_CPU_SEC SANDBOX_MEM_MB

make_repo() { # make_repo DIR NETWORK BACKEND COMMAND COUNT
  local dir=$1 network=$2 backend=$3 command=$4 count=$5
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  {
    echo "sandbox: {network: $network, backend: $backend}"
    echo "checks:"
    for i in $(seq 1 "$count"); do echo "  - command: {id: c$i, run: \"$command\"}"; done
  } >"$dir/tollgate.yaml"
  git -C "$dir" add tollgate.yaml
  git -C "$dir" -c user.name=bench -c user.email=bench@example.invalid commit -q -m "chore: bench" # check needs a HEAD
}

make_repo "$work/eight" allow auto true 8
printf '#!/bin/sh\n' >"$work/eight.sh"
for _ in $(seq 1 8); do echo "true" >>"$work/eight.sh"; done     # what a shell runs: the builtin
printf '#!/bin/sh\n' >"$work/eight-exec.sh"
for _ in $(seq 1 8); do echo "$(type -P true)" >>"$work/eight-exec.sh"; done # the same 8 processes
bwrap_line="$(type -P bwrap) --unshare-all --die-with-parent --ro-bind / / --tmpfs /tmp --proc /proc --dev /dev"
printf '#!/bin/sh\n' >"$work/eight-bwrap.sh"
for _ in $(seq 1 8); do echo "$bwrap_line $(type -P true)" >>"$work/eight-bwrap.sh"; done
chmod +x "$work"/*.sh
make_repo "$work/eight-confined" none auto true 8
make_repo "$work/sleep" allow auto "sleep 1" 4
for backend in firejail bwrap unshare; do
  make_repo "$work/eight-$backend" none "$backend" true 8
done

json="$work/results.json"
hyperfine -N --style none --warmup 5 --runs "$runs" --export-json "$json" \
  -n "script: 8x true (builtin)" "$work/eight.sh" \
  -n "script: 8x /usr/bin/true" "$work/eight-exec.sh" \
  -n "tollgate check: 8x true" "$tollgate -C $work/eight check --jobs 0" \
  -n "tollgate --version" "$tollgate --version" \
  -n "script: 8x bwrap --unshare-all true" "$work/eight-bwrap.sh" \
  -n "tollgate check: 8x true, confined (auto)" "$tollgate -C $work/eight-confined check --jobs 0" \
  -n "tollgate check: 8x true, unshare" "$tollgate -C $work/eight-unshare check" \
  -n "tollgate check: 8x true, bwrap" "$tollgate -C $work/eight-bwrap check" >/dev/null
hyperfine -N --style none --warmup 1 --runs 10 --export-json "$work/slow.json" \
  -n "tollgate check --jobs 4: 4x sleep 1" "$tollgate -C $work/sleep check --jobs 4" \
  -n "tollgate check: 8x true, firejail" "$tollgate -C $work/eight-firejail check" >/dev/null

/usr/bin/python3 - "$json" "$work/slow.json" <<'PY'
import json, statistics, sys
median = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        median[r["command"]] = statistics.median(r["times"])
ms = lambda s: f"{s * 1000:8.2f} ms"
print(f"{'benchmark':44} {'median':>11}")
for name, value in median.items():
    print(f"{name:44} {ms(value)}")
tg = median["tollgate check: 8x true"]
sh_exec = median["script: 8x /usr/bin/true"]
sh_builtin = median["script: 8x true (builtin)"]
par = median["tollgate check --jobs 4: 4x sleep 1"]
confined = median["tollgate check: 8x true, confined (auto)"]
sh_bwrap = median["script: 8x bwrap --unshare-all true"]
ver = median["tollgate --version"]
rows = [
    ("runner overhead vs script of 8 processes", f"{tg / sh_exec:.2f}x", tg / sh_exec <= 1.5 and tg < 0.030,
     "<= 1.5x and < 30 ms"),
    ("confined runner vs script of 8 bwrap runs", f"{confined / sh_bwrap:.2f}x", confined / sh_bwrap <= 1.5,
     "<= 1.5x"),
    ("runner overhead vs script of 8 builtins", f"{tg / sh_builtin:.2f}x", None, "(information)"),
    ("--jobs 4 with 4x sleep 1", f"{par:.3f} s", par < 1.15, "< 1.15 s"),
    ("tollgate --version", f"{ver * 1000:.2f} ms", ver < 0.005, "< 5 ms"),
]
print()
for name, value, ok, target in rows:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:44} {value:>10}  {target:22} {verdict}")
for backend in ("unshare", "bwrap", "firejail"):
    value = median[f"tollgate check: 8x true, {backend}"]
    print(f"{'network: none via ' + backend + ', 8 checks':44} {value * 1000:7.1f} ms  ({value / 8 * 1000:.1f} ms a check)")
PY
