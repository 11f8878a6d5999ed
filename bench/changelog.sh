#!/usr/bin/env bash
# Changelog benchmark, side by side in one run, printing medians and ratios (see README.md):
#   1. next release section (the 1,000 commits since the last tag): `tollgate changelog` against
#      `git-cliff --unreleased` (target: tollgate >= 10x faster);
#   2. whole history (50,000 commits, 49 tags): `tollgate changelog --all` against plain
#      `git-cliff` (target: >= 10x faster, and less peak memory);
#   3. `git log` over the same ranges, as the floor.
# The repository comes from /work/shared/bench/gen-history.py through `git fast-import`; git-cliff
# 2.14.2 from the npm registry into a scratch folder (its native binary is timed, not the node
# launcher). Usage: bench/changelog.sh [RUNS] [GEN]   (RUNS for the fast commands, default 10;
# TOLLGATE=path times that binary instead of building the ci preset; TOLLGATE_BEFORE=path also
# times that binary, an earlier build, in the same run: the before/after of a change)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
gen=${2:-/work/shared/bench/gen-history.py}
bash "$here/scripts/install-deps.sh" --with-bench
if [ -z "${TOLLGATE:-}" ]; then
  bash "$here/scripts/build.sh" ci >/dev/null
fi
tollgate=${TOLLGATE:-$here/build/ci/tollgate}

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench-changelog-XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1

repo="$work/big"
git init -q -b main "$repo"
/usr/bin/python3 "$gen" 50000 | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q -f main
echo "version: 1" >"$repo/tollgate.yaml" # untracked: the history is the generated one
last_tag=$(git -C "$repo" describe --tags --abbrev=0)
echo "repository: $(git -C "$repo" rev-list --count HEAD) commits, $(git -C "$repo" tag | wc -l) tags, last $last_tag"

cliff=""
if command -v npm >/dev/null && (cd "$work" && npm install --silent --no-audit --no-fund --prefix "$work/cliff" git-cliff@2.14.2 >/dev/null 2>&1); then
  cliff=$(find "$work/cliff/node_modules" -path '*bin/git-cliff' -type f ! -path '*/.bin/*' | head -n1)
  [ -n "$cliff" ] || cliff="$work/cliff/node_modules/.bin/git-cliff"
  echo "git-cliff: $("$cliff" --version)"
else
  echo "git-cliff: no npm, or npm install failed (registry unreachable?); timing tollgate and git log only"
fi

format='--format=%H%x09%an%x09%s%n%b'
cd "$repo"
fast=(-n "tollgate changelog" "$tollgate changelog"
  -n "git log $last_tag..HEAD" "git log $format $last_tag..HEAD"
  -n "tollgate changelog --all" "$tollgate changelog --all"
  -n "git log (all)" "git log $format")
before=${TOLLGATE_BEFORE:-}
if [ -n "$before" ]; then
  fast+=(-n "tollgate changelog (before)" "$before changelog" -n "tollgate changelog --all (before)" "$before changelog --all")
fi
if [ -n "$cliff" ]; then
  fast+=(-n "git-cliff --unreleased" "$cliff --unreleased")
  # What `npm install git-cliff` users run: the node launcher that starts the native binary.
  [ -x "$work/cliff/node_modules/.bin/git-cliff" ] &&
    fast+=(-n "git-cliff --unreleased (npm launcher)" "$work/cliff/node_modules/.bin/git-cliff --unreleased")
fi
hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$work/fast.json" "${fast[@]}" >/dev/null
if [ -n "$cliff" ]; then
  hyperfine -N --style none --warmup 0 --runs 3 --export-json "$work/slow.json" -n "git-cliff" "$cliff" >/dev/null
else
  echo '{"results": []}' >"$work/slow.json"
fi

peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n1; }
{
  echo "tollgate changelog=$(peak "$tollgate" changelog)"
  echo "tollgate changelog --all=$(peak "$tollgate" changelog --all)"
  if [ -n "$before" ]; then
    echo "tollgate changelog (before)=$(peak "$before" changelog)"
    echo "tollgate changelog --all (before)=$(peak "$before" changelog --all)"
  fi
  if [ -n "$cliff" ]; then
    echo "git-cliff --unreleased=$(peak "$cliff" --unreleased)"
    echo "git-cliff=$(peak "$cliff")"
  fi
} >"$work/memory.txt"
sections=$("$tollgate" changelog --all | grep -c '^## ')
entries=$("$tollgate" changelog --all | grep -c '^- ')
echo "tollgate changelog --all: $sections sections, $entries entries"
[ -n "$cliff" ] && echo "git-cliff (whole history): $("$cliff" 2>/dev/null | grep -c '^## ') sections, $("$cliff" 2>/dev/null | grep -c '^- ') entries"

/usr/bin/python3 - "$work/fast.json" "$work/slow.json" "$work/memory.txt" <<'PY'
import json, statistics, sys
median = {}
for path in sys.argv[1:3]:
    for r in json.load(open(path))["results"]:
        median[r["command"]] = statistics.median(r["times"])
memory = dict(line.strip().rsplit("=", 1) for line in open(sys.argv[3]) if "=" in line)
print()
print(f"{'command':34} {'median':>11} {'peak RSS':>10}")
for name, value in median.items():
    rss = memory.get(name)
    print(f"{name:34} {value * 1000:8.1f} ms {int(rss) / 1024:7.1f} MiB" if rss else f"{name:34} {value * 1000:8.1f} ms")
print()
def ratio(label, slow, fast, target):
    if slow in median and fast in median:
        r = median[slow] / median[fast]
        verdict = "" if target is None else ("ok" if r >= target else "MISSED")
        print(f"{label:52} {r:8.1f}x  {'' if target is None else f'(target >= {target}x)'} {verdict}")
floor_unreleased = next(k for k in median if k.startswith("git log v"))
ratio("next section: git-cliff --unreleased / tollgate", "git-cliff --unreleased", "tollgate changelog", 10)
ratio("next section: git-cliff via npm launcher / tollgate", "git-cliff --unreleased (npm launcher)", "tollgate changelog", 10)
ratio("whole history: git-cliff / tollgate --all", "git-cliff", "tollgate changelog --all", 10)
ratio("next section: tollgate / git log (floor)", "tollgate changelog", floor_unreleased, None)
ratio("whole history: tollgate --all / git log (floor)", "tollgate changelog --all", "git log (all)", None)
ratio("next section: before / after (> 1: faster now)", "tollgate changelog (before)", "tollgate changelog", None)
ratio("whole history: before / after (> 1: faster now)", "tollgate changelog --all (before)", "tollgate changelog --all", None)
if "git-cliff" in memory:
    print(f"{'whole history peak memory: git-cliff / tollgate':52} {int(memory['git-cliff']) / int(memory['tollgate changelog --all']):8.1f}x")
PY
