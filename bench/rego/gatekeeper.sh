#!/usr/bin/env bash
# `tollgate policy test` on Gatekeeper's policy library (../shared/rego-real/gatekeeper-library):
# every policy directory as `opa test DIR` runs it (the directories cannot share one run: several
# define the same packages); then `policy test --bench` on the shipped policies (ns per
# evaluation of each test).
# Usage: bench/rego/gatekeeper.sh [RUNS]   (needs hyperfine: install-deps.sh --with-bench)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-20}
library="$here/../shared/rego-real/gatekeeper-library"
[ -d "$library" ] || { echo "$library: absent, nothing to time"; exit 0; }
bash "$here/scripts/install-deps.sh" --with-bench
cmake --preset ci >/dev/null
cmake --build --preset ci --target tollgate >/dev/null
tollgate="$here/build/ci/tollgate"
cd "$library"
mapfile -t dirs < <(find . -mindepth 2 -maxdepth 2 -type d | sort)
tests=0
failed=0
each=""
for d in "${dirs[@]}"; do
  n=$("$tollgate" policy test --format json "$d" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), sum(1 for t in r if t.get("fail") or t.get("error")))') || true
  tests=$((tests + ${n% *}))
  failed=$((failed + ${n#* }))
  each+="$tollgate policy test $d >/dev/null; "
done
echo "${#dirs[@]} policy directories, $tests tests, $failed not passing"
hyperfine --style basic --warmup 2 --runs "$runs" -n "policy test on every directory (${#dirs[@]} processes)" "$each"
cd "$here"
"$tollgate" policy test --bench policies
