#!/usr/bin/env bash
# Benchmark of `tollgate gate` on approvals at scale, side by side with the equivalent shell pipeline:
#   a repository of 50,000 commits (shared/bench/gen-history.py) plus a candidate commit, 20,000
#   filler approval refs over 5,000 commits of its history (4 a commit, packed), and 3 valid
#   approvals of the candidate by its 3 maintainers. Times, with hyperfine:
#     - `tollgate gate` cold: verification cache cleared before each run (target: median < 60 ms);
#       for information also with all of .git/tollgate cleared (keyring rebuilt each run);
#     - `tollgate gate` warm: verification cache kept (target: median < 10 ms);
#     - the shell pipeline: for-each-ref + `git verify-tag --raw` for each approval + grep of the
#       signer's primary fingerprint in MAINTAINERS.yaml, >= 2 distinct (target: tollgate >= 3x faster);
#     - for information: `tollgate gate` warm on a local clone without the filler refs, `tollgate --version`.
# Usage: bench/approvals.sh [RUNS]   (RUNS >= 20, default 30; needs hyperfine: installed here)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
[ "$runs" -ge 20 ] || { echo "approvals.sh: RUNS must be at least 20" >&2; exit 2; }
bash "$here/scripts/install-deps.sh" --with-bench
bash "$here/scripts/build.sh" ci >/dev/null
tollgate="$here/build/ci/tollgate"
generator=${TOLLGATE_GEN_HISTORY:-/work/shared/bench/gen-history.py}
[ -f "$generator" ] || { echo "approvals.sh: history generator not found: $generator" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench-approvals-XXXXXX")
repo="$work/repo"
export GNUPGHOME="$work/gnupg"        # the maintainers' secret keys: `tollgate approve`
verify_home="$work/gnupg-verify"      # the pipeline's: only the public keys of .tollgate/keys
cleanup() {
  local home
  for home in "$GNUPGHOME" "$verify_home" "$repo"/.git/tollgate/keyrings/*/ "$work"/nofiller/.git/tollgate/keyrings/*/; do
    if [ -d "$home" ]; then gpgconf --homedir "$home" --kill gpg-agent >/dev/null 2>&1 || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME" "$verify_home"
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset SANDBOX_CPU_SEC SANDBOX_MEM_MB
git_quiet=(-c commit.gpgsign=false -c tag.gpgsign=false)
step_start=0
step() { step_start=$(date +%s%N); printf '%-64s' "$1" >&2; }
done_step() { local ms=$((($(date +%s%N) - step_start) / 1000000)); printf '%4d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100)) >&2; }

# 1. The history, the maintainers' keys and the candidate commit.
step "history: 50,000 commits (fast-import)"
git init -q -b main "$repo"
/usr/bin/python3 "$generator" 50000 | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q -f main
done_step

step "keys: 3 maintainers + 1 outsider (ed25519)"
names=("Ada Lovelace" "Grace Hopper" "Alan Turing" "Eve Outsider")
emails=(ada@bench.example grace@bench.example alan@bench.example eve@bench.example)
fprs=()
for i in "${!names[@]}"; do
  gpg --batch --quiet --passphrase '' --quick-gen-key "${names[$i]} <${emails[$i]}>" ed25519 sign never 2>/dev/null
  fprs+=("$(gpg --batch --with-colons --list-keys "<${emails[$i]}>" 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')")
done
done_step

step "candidate: tollgate.yaml, MAINTAINERS.yaml, .tollgate/keys"
mkdir -p "$repo/.tollgate/keys"
printf 'version: 1\nrelease: {repository: bench.example/demo}\nchecks:\n  - approvals: {}\n' >"$repo/tollgate.yaml"
{
  echo "maintainers:"
  for i in 0 1 2; do
    printf '  - name: %s\n    email: %s\n    keys: [%s]\n    roles: [release]\n' "${names[$i]}" "${emails[$i]}" "${fprs[$i]}"
    gpg --batch --armor --export "${fprs[$i]}" >"$repo/.tollgate/keys/${emails[$i]%%@*}.asc"
  done
} >"$repo/MAINTAINERS.yaml"
git -C "$repo" add tollgate.yaml MAINTAINERS.yaml .tollgate
GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL=author@bench.example \
  GIT_COMMITTER_NAME="Bench Author" GIT_COMMITTER_EMAIL=author@bench.example \
  git -C "$repo" "${git_quiet[@]}" commit -q -m "chore: add the release gate"
candidate=$(git -C "$repo" rev-parse HEAD)
done_step

# 2. 20,000 filler approvals: tag objects in the DESIGN.md §4 format, unsigned (the gate reads only
# the candidate's refs; these exercise the ref store at scale). `git fast-import`'s `tag` command
# writes them into one pack and exports their ids as marks; it also sets refs/tags/<name>, and one
# stream may not set a ref twice, so one pass per approver (5,000 distinct tag names a pass). Then
# one `git update-ref --stdin` transaction creates the 20,000 approval refs and deletes the tags,
# and `git pack-refs --all` packs them as a clone has them.
step "filler: 20,000 approval tag objects over 5,000 commits"
cat >"$work/filler.py" <<'PY'
import sys
# filler.py TARGETS REPOSITORY FIRST_MARK FINGERPRINT NAME EMAIL REFLIST > fast-import stream
targets, repository, first, fpr, name, email, reflist = sys.argv[1:8]
w = sys.stdout.write
mark = int(first)
with open(targets) as commits, open(reflist, "a") as refs:
    for line in commits:
        commit, tree = line.split()
        msg = f"tollgate approval v1\n\nrepository: {repository}\ncommit: {commit}\ntree: {tree}\n"
        w(f"tag approval-{commit}\nmark :{mark}\nfrom {commit}\n"
          f"tagger {name} <{email}> {1700000000 + mark} +0000\ndata {len(msg.encode())}\n{msg}\n")
        refs.write(f":{mark} refs/tollgate/approvals/{commit}/{fpr}\n")
        mark += 1
PY
git -C "$repo" log --format='%H %T' HEAD~1 | awk 'NR % 10 == 1' >"$work/targets" # every 10th commit
[ "$(wc -l <"$work/targets")" -eq 5000 ]
for i in 0 1 2 3; do
  /usr/bin/python3 "$work/filler.py" "$work/targets" bench.example/demo $((i * 5000 + 1)) "${fprs[$i]}" \
    "${names[$i]}" "${emails[$i]}" "$work/reflist" |
    git -C "$repo" fast-import --quiet --export-marks="$work/marks.$i"
done
done_step
step "filler: 20,000 refs (update-ref --stdin) + pack-refs --all"
cat "$work"/marks.? >"$work/marks"
{
  awk 'FNR == NR {id[$1] = $2; next} {print "create " $2 " " id[$1]}' "$work/marks" "$work/reflist"
  git -C "$repo" for-each-ref --format='delete %(refname)' 'refs/tags/approval-*'
} | git -C "$repo" update-ref --stdin
git -C "$repo" pack-refs --all
done_step
filler=$(git -C "$repo" for-each-ref refs/tollgate/approvals/ | wc -l)
[ "$filler" -eq 20000 ] || { echo "approvals.sh: expected 20000 filler refs, found $filler" >&2; exit 1; }

# 3. Three valid approvals of the candidate, by its three maintainers.
step "candidate: 3 approvals (tollgate approve --key)"
for i in 0 1 2; do
  "$tollgate" -C "$repo" approve --key "${fprs[$i]}" >/dev/null
done
done_step

# A local clone without the filler refs, to tell the cost of the ref store (information).
step "local clone without the filler refs (information)"
git clone -q "$repo" "$work/nofiller" # a local clone: objects hardlinked, refs/tollgate not copied
git -C "$work/nofiller" fetch -q origin "refs/tollgate/approvals/$candidate/*:refs/tollgate/approvals/$candidate/*"
done_step

# The pipeline: the same decision with git and gpg, keys imported from the candidate's .tollgate/keys.
gpg --homedir "$verify_home" --batch --quiet --import "$repo"/.tollgate/keys/*.asc 2>/dev/null
cat >"$work/pipeline.sh" <<SH
#!/usr/bin/env bash
# Counts the maintainers whose approval of $candidate verifies: exit 0 when >= 2.
set -euo pipefail
cd '$repo'
export GNUPGHOME='$verify_home'
count=0 seen=" "
while read -r ref object; do
  status=\$(git verify-tag --raw "\$object" 2>&1 >/dev/null) || continue
  [[ \$status =~ VALIDSIG\ ([^ ]+\ ){9}([0-9A-F]{40}) ]] || continue
  fpr=\${BASH_REMATCH[2]}
  grep -qi "\$fpr" MAINTAINERS.yaml || continue
  case \$seen in *" \$fpr "*) continue ;; esac
  seen="\$seen\$fpr " count=\$((count + 1))
done < <(git for-each-ref --format='%(refname) %(objectname)' 'refs/tollgate/approvals/$candidate/')
echo "\$count maintainers approved"
[ "\$count" -ge 2 ]
SH
chmod +x "$work/pipeline.sh"

# Both must say yes before anything is timed.
"$tollgate" -C "$repo" gate >"$work/gate.txt" || {
  cat "$work/gate.txt" >&2
  echo "approvals.sh: tollgate gate did not exit 0" >&2
  exit 1
}
grep -q "3 of 2 required approvals" "$work/gate.txt" || {
  cat "$work/gate.txt" >&2
  echo "approvals.sh: expected 3 counted approvals" >&2
  exit 1
}
"$work/pipeline.sh" >"$work/pipeline.txt" || { cat "$work/pipeline.txt" >&2; exit 1; }
grep -q "^3 maintainers approved" "$work/pipeline.txt"
echo "repository: $(git -C "$repo" rev-list --count HEAD) commits, $(git -C "$repo" for-each-ref | wc -l) refs" \
  "($(git -C "$repo" for-each-ref refs/tollgate/approvals/ | wc -l) approvals), packed-refs" \
  "$(($(stat -c %s "$repo/.git/packed-refs") / 1024)) KiB; candidate $candidate" >&2

echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)" >&2

# 4. Timings. hyperfine fails on a non-zero exit, so each run of the gate must open it.
json="$work/results.json"
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$json" \
  --prepare "rm -rf $repo/.git/tollgate/cache" \
  -n "tollgate gate, cold (cache cleared)" "$tollgate -C $repo gate" >/dev/null
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/cold-all.json" \
  --prepare "rm -rf $repo/.git/tollgate" \
  -n "tollgate gate, cold (.git/tollgate cleared)" "$tollgate -C $repo gate" >/dev/null
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/warm.json" \
  -n "tollgate gate, warm" "$tollgate -C $repo gate" \
  -n "pipeline: for-each-ref + verify-tag + grep" "$work/pipeline.sh" \
  -n "tollgate gate, warm, without the filler refs" "$tollgate -C $work/nofiller gate" \
  -n "tollgate --version" "$tollgate --version" >/dev/null

/usr/bin/python3 - "$json" "$work/cold-all.json" "$work/warm.json" <<'PY'
import json, statistics, sys
median = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        median[r["command"]] = statistics.median(r["times"])
ms = lambda s: f"{s * 1000:8.2f} ms"
order = ["tollgate gate, cold (cache cleared)", "tollgate gate, cold (.git/tollgate cleared)",
         "tollgate gate, warm", "pipeline: for-each-ref + verify-tag + grep",
         "tollgate gate, warm, without the filler refs", "tollgate --version"]
print(f"{'benchmark':46} {'median':>11}")
for name in order:
    print(f"{name:46} {ms(median[name])}")
cold, warm = median[order[0]], median[order[2]]
pipe = median[order[3]]
rows = [
    ("tollgate gate, cold", f"{cold * 1000:.1f} ms", cold < 0.060, "< 60 ms"),
    ("tollgate gate, warm", f"{warm * 1000:.1f} ms", warm < 0.010, "< 10 ms"),
    ("pipeline / tollgate cold", f"{pipe / cold:.2f}x", pipe / cold >= 3, ">= 3x"),
    ("pipeline / tollgate warm", f"{pipe / warm:.2f}x", pipe / warm >= 3, ">= 3x"),
    ("tollgate cold, keyring rebuilt", f"{median[order[1]] * 1000:.1f} ms", None, "(information)"),
    ("cost of the 20,000 filler refs (warm)", f"{(warm - median[order[4]]) * 1000:.1f} ms", None, "(information)"),
]
print()
for name, value, ok, target in rows:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:46} {value:>10}  {target:14} {verdict}")
PY
echo "load average after timing: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
