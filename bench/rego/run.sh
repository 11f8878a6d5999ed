#!/usr/bin/env bash
# Rego engine benchmarks: Google Benchmark (evaluation of the shipped policies, parse + compile of
# 1,000 rules) and the whole `tollgate policy eval` process with hyperfine.
# Usage: bench/rego/run.sh [RUNS]   (needs libbenchmark-dev and hyperfine: install-deps.sh --with-bench)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-100}
bash "$here/scripts/install-deps.sh" --with-bench
cmake -S "$here" -B "$here/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOLLGATE_BENCH=ON \
  -DTOLLGATE_TESTS=OFF >/dev/null
cmake --build "$here/build/bench" -j2 --target rego_bench tollgate >/dev/null
"$here/build/bench/bench/rego/rego_bench" --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
cd "$here"
hyperfine -N --style none --warmup 5 --runs "$runs" \
  -n "tollgate policy eval (shipped policies, typical input)" \
  "$here/build/bench/tollgate policy eval -d policies -i bench/rego/typical_input.json data.tollgate" \
  -n "tollgate policy eval data.codegen.deny" \
  "$here/build/bench/tollgate policy eval -d policies -i bench/rego/typical_input.json data.codegen.deny"
