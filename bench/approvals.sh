#!/usr/bin/env bash
# Benchmark of `tollgate gate` on approvals at scale, side by side with the equivalent shell pipeline:
#   a repository of 50,000 commits (shared/bench/gen-history.py) plus a candidate commit, 20,000
#   filler approval refs over 5,000 commits of its history (4 a commit, packed), and 3 valid
#   approvals of the candidate by its 3 maintainers. Times, with hyperfine, in one run:
#     - `tollgate gate` cold (a new process, no cache: the per-user cache directory emptied before
#       each run), signatures verified in-process by RNP (the default): target < 10 ms and at most
#       0.15x the pipeline;
#     - the same with `gpg.verify: gpgme`, cold (cache emptied: keyring rebuilt, a gpg process a
#       signature) and warm (gpg's verdicts read back from the authenticated cache): what the
#       in-process path replaced, and what the cache it no longer needs was worth;
#     - the shell pipeline: for-each-ref + `git verify-tag --raw` for each approval + grep of the
#       signer's primary fingerprint in MAINTAINERS.yaml, >= 2 distinct;
#     - `tollgate gate` in a small repository with 100 approvals of its candidate (target < 5 ms);
#     - `tollgate --version`.
#   Each gate prints its gpg process count with --verbose: 0 with RNP.
# Usage: bench/approvals.sh [RUNS]   (RUNS >= 20, default 30; needs hyperfine: installed here)
#   KEEP=1 leaves the scratch directory (repositories, keys) in place for profiling, and says where.
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
export XDG_CACHE_HOME="$work/cache"   # tollgate's per-user state: emptied for the cold runs
verify_home="$work/gnupg-verify"      # the pipeline's: only the public keys of .tollgate/keys
cleanup() {
  local home
  for home in "$GNUPGHOME" "$verify_home" "$XDG_CACHE_HOME"/tollgate/keyrings/*/; do
    if [ -d "$home" ]; then gpgconf --homedir "$home" --kill gpg-agent >/dev/null 2>&1 || true; fi
  done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "approvals.sh: kept $work (GNUPGHOME=$GNUPGHOME XDG_CACHE_HOME=$XDG_CACHE_HOME)" >&2
  else
    rm -rf "$work"
  fi
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

# The same repository verified through gpg: a local clone (objects hardlinked) with the candidate's
# approvals, whose work tree's tollgate.yaml says `gpg: {verify: gpgme}` (the operator's choice).
step "clone verifying through gpgme; a 100-approval repository"
git clone -q "$repo" "$work/gpgme"
git -C "$work/gpgme" fetch -q origin "refs/tollgate/approvals/$candidate/*:refs/tollgate/approvals/$candidate/*"
printf 'gpg: {verify: gpgme}\n' >>"$work/gpgme/tollgate.yaml"
# 100 approvals: 100 maintainers (keys made with gpg, approvals by `tollgate approve`) of a small
# repository's candidate.
small="$work/small"
git init -q -b main "$small"
mkdir -p "$small/.tollgate/keys"
printf 'version: 1\nrelease: {repository: bench.example/small}\napprovals: {required: 100}\nchecks:\n  - approvals: {}\n' >"$small/tollgate.yaml"
echo "maintainers:" >"$small/MAINTAINERS.yaml"
small_fprs=()
for i in $(seq 1 100); do
  gpg --batch --quiet --passphrase '' --quick-gen-key "Maintainer $i <m$i@small.example>" ed25519 sign never 2>/dev/null
  fpr=$(gpg --batch --with-colons --list-keys "<m$i@small.example>" 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
  small_fprs+=("$fpr")
  printf '  - name: Maintainer %s\n    email: m%s@small.example\n    keys: [%s]\n' "$i" "$i" "$fpr" >>"$small/MAINTAINERS.yaml"
  gpg --batch --armor --export "$fpr" >"$small/.tollgate/keys/m$i.asc"
done
git -C "$small" add -A
GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL=author@bench.example \
  GIT_COMMITTER_NAME="Bench Author" GIT_COMMITTER_EMAIL=author@bench.example \
  git -C "$small" "${git_quiet[@]}" commit -q -m "chore: add the release gate"
for fpr in "${small_fprs[@]}"; do
  "$tollgate" -C "$small" approve --key "$fpr" >/dev/null
done
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

for dir in "$repo" "$work/gpgme" "$small"; do
  "$tollgate" -C "$dir" gate >/dev/null || { "$tollgate" -C "$dir" gate >&2; echo "approvals.sh: gate closed in $dir" >&2; exit 1; }
done
grep -q "100 of 100 required approvals" <("$tollgate" -C "$small" gate) || { echo "approvals.sh: expected 100 approvals" >&2; exit 1; }
for dir in "$repo" "$work/gpgme"; do
  echo "gpg processes, $(basename "$dir"): $("$tollgate" -C "$dir" --verbose gate 2>&1 | sed -n 's/.*gpg processes: \([0-9]*\).*/\1/p' | tail -n 1)" >&2
done

# 4. Timings. hyperfine fails on a non-zero exit, so each run of the gate must open it.
json="$work/results.json"
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$json" \
  --prepare "rm -rf $XDG_CACHE_HOME" \
  -n "tollgate gate, cold, RNP" "$tollgate -C $repo gate" \
  -n "tollgate gate, cold, gpgme" "$tollgate -C $work/gpgme gate" >/dev/null
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/warm.json" \
  -n "tollgate gate, warm cache, gpgme" "$tollgate -C $work/gpgme gate" \
  -n "pipeline: for-each-ref + verify-tag + grep" "$work/pipeline.sh" \
  -n "tollgate gate, 100 approvals, RNP" "$tollgate -C $small gate" \
  -n "tollgate --version" "$tollgate --version" >/dev/null

/usr/bin/python3 - "$json" "$work/warm.json" "${JSON_OUT:-}" <<'PY'
import json, statistics, sys
median = {}
for path in sys.argv[1:3]:
    for r in json.load(open(path))["results"]:
        median[r["command"]] = statistics.median(r["times"])
ms = lambda s: f"{s * 1000:8.2f} ms"
print(f"{'benchmark':46} {'median':>11}")
for name, value in median.items():
    print(f"{name:46} {ms(value)}")
rnp = median["tollgate gate, cold, RNP"]
gpgme_cold = median["tollgate gate, cold, gpgme"]
gpgme_warm = median["tollgate gate, warm cache, gpgme"]
pipe = median["pipeline: for-each-ref + verify-tag + grep"]
small = median["tollgate gate, 100 approvals, RNP"]
rows = [
    ("gate cold (RNP) / pipeline", rnp / pipe, rnp / pipe <= 0.15, "<= 0.15x"),
    ("gate cold (RNP)", rnp * 1000, rnp < 0.010, "< 10 ms"),
    ("gate cold (RNP) / gate cold (gpgme)", rnp / gpgme_cold, None, "(information)"),
    ("gate cold (RNP) / gate warm cache (gpgme)", rnp / gpgme_warm, None, "(information)"),
    ("gate, 100 approvals (RNP)", small * 1000, small < 0.005, "< 5 ms"),
]
print()
for name, value, ok, target in rows:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    shown = f"{value:.2f}x" if "/" in name else f"{value:.2f} ms"
    print(f"{name:46} {shown:>10}  {target:14} {verdict}")
if sys.argv[3]:
    json.dump({"medians_s": median, "ratios": {r[0]: r[1] for r in rows if "/" in r[0]}}, open(sys.argv[3], "w"), indent=2)
PY
echo "load average after timing: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
