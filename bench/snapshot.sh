#!/usr/bin/env bash
# Snapshot export (DESIGN.md §7.1) of a 10,000-file tree (1-6 KB text files in 500 directories,
# packed as a clone is), side by side with what git offers for the same job:
#   core::make_snapshot (the hidden Catch2 test "[.bench]", median of RUNS; target < 50 ms),
#   `git worktree add --detach` (files, index, and a .git file; no throwaway repository),
#   `git archive HEAD | tar -x` (files only: no index, no .git).
# Usage: bench/snapshot.sh [RUNS]   (after a build of the ci preset: build/ci/tests/tollgate_tests, or
# TOLLGATE_TESTS_BIN naming another build of the unit tests)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
tests=${TOLLGATE_TESTS_BIN:-"$here/build/ci/tests/tollgate_tests"}
[ -x "$tests" ] || { echo "build the ci preset first (build/ci/tests/tollgate_tests)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1
repo="$work/repo"
git init -q -b main "$repo"
/usr/bin/python3 - "$repo" <<'PY'
import os, random, sys
random.seed(7)
root = sys.argv[1]
words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi".split()
for i in range(10_000):
    directory = os.path.join(root, f"pkg{i // 1000}", f"mod{(i // 20) % 50}")
    os.makedirs(directory, exist_ok=True)
    size = random.randint(1_000, 6_000)
    lines = []
    while sum(map(len, lines)) < size:
        lines.append(" ".join(random.choices(words, k=8)) + f" {random.randint(0, 10**6)}\n")
    with open(os.path.join(directory, f"file{i}.py"), "w") as out:
        out.write("".join(lines))
PY
git -C "$repo" add -A
git -C "$repo" -c user.name=B -c user.email=b@example.com commit -q -m tree
git -C "$repo" repack -adq
echo "tree: $(git -C "$repo" ls-files | wc -l) files, $(du -sh --exclude=.git "$repo" | cut -f1) on disk"

median_ms() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1e6 }'; }
now() { date +%s%N; }

worktree_times=()
archive_times=()
for i in $(seq 1 "$runs"); do
  start=$(now)
  git -C "$repo" worktree add -q --detach "$work/wt$i" HEAD 2>/dev/null
  worktree_times+=($(($(now) - start)))
  git -C "$repo" worktree remove --force "$work/wt$i"
  mkdir "$work/ar$i"
  start=$(now)
  git -C "$repo" archive HEAD | tar -x -C "$work/ar$i"
  archive_times+=($(($(now) - start)))
  rm -rf "$work/ar$i"
done
worktree=$(printf '%s\n' "${worktree_times[@]}" | median_ms)
archive=$(printf '%s\n' "${archive_times[@]}" | median_ms)
line=$(TOLLGATE_BENCH_REPO="$repo" TOLLGATE_BENCH_RUNS="$runs" "$tests" "snapshot: export time" | grep make_snapshot)
snapshot=$(sed -E 's/.*make_snapshot median ([0-9.]+) ms.*/\1/' <<<"$line")
removal=$(sed -E 's/.*removal median ([0-9.]+) ms.*/\1/' <<<"$line")

printf '%-44s %9s\n' "export of 10,000 files (median of $runs)" "ms"
printf '%-44s %9s\n' "core::make_snapshot" "$snapshot"
printf '%-44s %9s\n' "git worktree add --detach" "$worktree"
printf '%-44s %9s\n' "git archive | tar -x" "$archive"
printf '%-44s %9s\n' "Snapshot removal (destructor)" "$removal"
awk -v s="$snapshot" -v w="$worktree" -v a="$archive" 'BEGIN {
  printf "\nmake_snapshot vs git worktree add: %.2fx faster\n", w / s
  printf "make_snapshot vs git archive | tar: %.2fx faster\n", a / s
  printf "target < 50 ms: %s\n", (s < 50 ? "ok" : "MISSED") }'
