#!/usr/bin/env bash
# Promotion benchmark, side by side in one run, printing medians and ratios (see README.md):
#   `tollgate promote` (whole process: approvals verified, checks run in the sandbox, CHANGELOG
#   commit, signed release tag, signed stable tag, signed audit-log entry, refs) against
#   `commit-and-tag-version --sign` (bump, CHANGELOG, signed commit, signed tag), each on a fresh
#   copy of the same template repository: the 50,000-commit history of
#   /work/shared/bench/gen-history.py (49 tags v0.K.0), a commit adding tollgate.yaml,
#   MAINTAINERS.yaml, the maintainers' keys and CHANGELOG.md, a `feat:` candidate, and two valid
#   approvals of it. Targets: issue 19's, at most 0.08x commit-and-tag-version and under 60 ms;
#   the older ones, >= 8x and a median under 100 ms, are printed too.
# The copy (`cp -a`, not a clone) keeps the approval refs. Approvals are verified in-process (RNP),
# which keeps no cache: there is no warm or cold variant any more ($XDG_CACHE_HOME, tollgate's
# per-user state, is a scratch directory all the same).
# For information: tollgate promote with `sandbox: {backend: bwrap}` (its own candidate and
# approvals), read-only commands (`--version`, `gate`, `check`, `promote --dry-run`, `sandbox` per
# backend), and, with strace, where a promotion's time goes (see README.md).
# commit-and-tag-version 13.2.1 comes from the npm registry into a scratch folder; without npm or
# the registry the script says so and times tollgate alone.
# Usage: bench/promote.sh [RUNS] [GEN]   (RUNS >= 10, default 20; TOLLGATE=path times that binary
# instead of building the ci preset; KEEP=1 leaves the scratch directory, repositories and keys, in
# place for profiling, and says where)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
gen=${2:-/work/shared/bench/gen-history.py}
[ "$runs" -ge 10 ] || { echo "promote.sh: RUNS must be at least 10" >&2; exit 2; }
[ -f "$gen" ] || { echo "promote.sh: history generator not found: $gen" >&2; exit 3; }
bash "$here/scripts/install-deps.sh" --with-bench
if [ -z "${TOLLGATE:-}" ]; then
  bash "$here/scripts/build.sh" ci >/dev/null
fi
tollgate=$(realpath "${TOLLGATE:-$here/build/ci/tollgate}")

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench-promote-XXXXXX")
# Run as root, the checks run as an unprivileged uid, and bwrap (the `sandbox.backend: bwrap` variant)
# binds the repository's objects into the sandbox as that uid: the repository must be reachable by it
# (mktemp's 0700 is not). The secrets below stay in their own 0700 directories.
chmod 0755 "$work"
export GNUPGHOME="$work/gnupg"
export XDG_CACHE_HOME="$work/cache" # tollgate's per-user state, never the user's
cleanup() {
  local home
  for home in "$GNUPGHOME" "$XDG_CACHE_HOME"/tollgate/keyrings/*/; do
    if [ -d "$home" ]; then gpgconf --homedir "$home" --kill gpg-agent >/dev/null 2>&1 || true; fi
  done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "promote.sh: kept $work (GNUPGHOME=$GNUPGHOME; template: $work/template)" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset SANDBOX_CPU_SEC SANDBOX_MEM_MB TOLLGATE_FAULT
step_start=0
step() { step_start=$(date +%s%N); printf '%-64s' "$1" >&2; }
done_step() { local ms=$((($(date +%s%N) - step_start) / 1000000)); printf '%4d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100)) >&2; }

# 1. Two maintainers' keys: ed25519, no passphrase.
step "keys: 2 maintainers (ed25519, no passphrase)"
fpr_of() { gpg --batch --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
for who in "Ada Lovelace <ada@bench.example>" "Bob Builder <bob@bench.example>"; do
  gpg --batch --quiet --passphrase '' --quick-gen-key "$who" ed25519 sign never 2>/dev/null
done
ada=$(fpr_of "<ada@bench.example>")
bob=$(fpr_of "<bob@bench.example>")
done_step

# 2. The template: the history, the release setup, the candidate, two approvals.
template="$work/template"
step "history: 50,000 commits, 49 tags (fast-import)"
git init -q -b main "$template"
/usr/bin/python3 "$gen" 50000 | git -C "$template" fast-import --quiet
git -C "$template" checkout -q -f main
done_step

step "release setup commit + feat: candidate"
# The identity and signing setup of the clones: commit-and-tag-version's signed commit and tag
# (`git commit -S`, `git tag -s`) use user.signingkey; gpg.program is git's default (gpg).
git -C "$template" config user.name "Ada Lovelace"
git -C "$template" config user.email ada@bench.example
git -C "$template" config user.signingkey "$ada"
git -C "$template" config gpg.program gpg
mkdir -p "$template/.tollgate/keys"
gpg --batch --armor --export "$ada" >"$template/.tollgate/keys/ada.asc"
gpg --batch --armor --export "$bob" >"$template/.tollgate/keys/bob.asc"
cat >"$template/MAINTAINERS.yaml" <<YAML
maintainers:
  - name: Ada Lovelace
    email: ada@bench.example
    keys: [$ada]
    roles: [release, security]
  - name: Bob Builder
    email: bob@bench.example
    keys: [$bob]
    roles: [release]
YAML
cat >"$template/tollgate.yaml" <<'YAML'
version: 1
release:
  repository: bench.example/promote
  signing_key: ada@bench.example
checks:
  - command: {id: unit, run: "true"}
  - command: {id: lint, run: "true"}
  - approvals: {}
YAML
cat >"$template/CHANGELOG.md" <<'MD'
# Changelog

All notable changes to this project are documented here.
MD
# Written by a contributor, not a maintainer: a maintainer's approval of their own commit does not count.
export GIT_AUTHOR_NAME="Carol Contributor" GIT_AUTHOR_EMAIL=carol@bench.example
export GIT_COMMITTER_NAME="Carol Contributor" GIT_COMMITTER_EMAIL=carol@bench.example
git -C "$template" add tollgate.yaml MAINTAINERS.yaml .tollgate CHANGELOG.md
git -C "$template" -c commit.gpgsign=false commit -q -m "chore: release gate, maintainers and changelog"
echo "print('hello')" >"$template/app.py"
git -C "$template" add app.py
git -C "$template" -c commit.gpgsign=false commit -q -m "feat(cli): the candidate feature"
candidate=$(git -C "$template" rev-parse HEAD)
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

# For information: the same with the bwrap sandbox backend instead of auto (namespaces here). The
# candidate changes tollgate.yaml, so it is its own commit with its own approvals.
template_bwrap="$work/template-bwrap"
cp -a "$template" "$template_bwrap"
printf 'sandbox:\n  backend: bwrap\n' >>"$template_bwrap/tollgate.yaml"
GIT_AUTHOR_NAME="Carol Contributor" GIT_AUTHOR_EMAIL=carol@bench.example \
  GIT_COMMITTER_NAME="Carol Contributor" GIT_COMMITTER_EMAIL=carol@bench.example \
  git -C "$template_bwrap" -c commit.gpgsign=false commit -q -am "feat(cli): the candidate feature, checks under bwrap"
done_step

step "two approvals of each candidate (tollgate approve --key)"
for repo in "$template" "$template_bwrap"; do
  "$tollgate" -C "$repo" approve --key "$ada" >/dev/null
  "$tollgate" -C "$repo" approve --key "$bob" >/dev/null
  # The gate passes before anything is timed.
  "$tollgate" -C "$repo" gate >"$work/gate.txt" || { cat "$work/gate.txt" >&2; exit 1; }
  [ -z "$(git -C "$repo" status --porcelain)" ] || { git -C "$repo" status --short >&2; echo "promote.sh: $repo not clean" >&2; exit 1; }
done
done_step
echo "template: $(git -C "$template" rev-list --count HEAD) commits, $(git -C "$template" tag | wc -l) tags," \
  "$(git -C "$template" for-each-ref refs/tollgate/approvals/ | wc -l) approvals of ${candidate:0:12};" \
  "$(du -sh "$template" | cut -f1)" >&2

# 3. The peer, from the npm registry.
ctv=""
step "commit-and-tag-version@13.2.1 (npm install)"
if command -v npm >/dev/null &&
  (mkdir -p "$work/peer" && cd "$work/peer" &&
    npm install --no-audit --no-fund commit-and-tag-version@13.2.1 >"$work/npm.log" 2>&1); then
  ctv="$work/peer/node_modules/.bin/commit-and-tag-version"
  done_step
else
  done_step
  echo "commit-and-tag-version: no npm, or npm install failed (registry unreachable?); timing tollgate alone" >&2
  tail -n 5 "$work/npm.log" >&2 2>/dev/null || true
fi

# 4. Each once on a copy, checked, before anything is timed.
copy="$work/work"
fresh() { rm -rf "$copy" && cp -a "$1" "$copy"; }
check_tollgate() {
  "$tollgate" -C "$copy" promote >"$work/promote.txt" 2>&1 || { cat "$work/promote.txt" >&2; echo "promote.sh: tollgate promote failed" >&2; exit 1; }
  release=$(git -C "$copy" describe --tags --exact-match --match 'v*' HEAD)
  git -C "$copy" tag -v "$release" >/dev/null 2>&1 || { echo "promote.sh: git tag -v $release failed" >&2; exit 1; }
  git -C "$copy" tag -v stable >/dev/null 2>&1 || { echo "promote.sh: git tag -v stable failed" >&2; exit 1; }
  git -C "$copy" verify-commit refs/tollgate/log >/dev/null 2>&1 || { echo "promote.sh: audit log entry not signed" >&2; exit 1; }
  [ "$(git -C "$copy" diff --name-only HEAD~1 HEAD)" = CHANGELOG.md ] || { echo "promote.sh: the release commit changes more than CHANGELOG.md" >&2; exit 1; }
  "$tollgate" -C "$copy" verify >/dev/null 2>&1 || { echo "promote.sh: tollgate verify failed after the promotion" >&2; exit 1; }
}
fresh "$template"
check_tollgate
[ "$(git -C "$copy" rev-parse HEAD~1)" = "$candidate" ] || { echo "promote.sh: the CHANGELOG commit is not on the candidate" >&2; exit 1; }
echo "tollgate promote: $release and stable signed (git tag -v), audit log signed, tollgate verify ok;" \
  "CHANGELOG +$(git -C "$copy" diff --numstat HEAD~1 HEAD | cut -f1) lines; checks: $(grep -oE 'exit 0 \([a-z]+\)' "$work/promote.txt" | sort -u | tr '\n' ' ')" >&2
fresh "$template_bwrap"
check_tollgate
echo "tollgate promote (sandbox.backend bwrap): $release ok; checks: $(grep -oE 'exit 0 \([a-z]+\)' "$work/promote.txt" | sort -u | tr '\n' ' ')" >&2
if [ -n "$ctv" ]; then
  fresh "$template"
  (cd "$copy" && "$ctv" --sign) >"$work/ctv.txt" 2>&1 || { cat "$work/ctv.txt" >&2; echo "promote.sh: commit-and-tag-version --sign failed" >&2; exit 1; }
  peer_tag=$(git -C "$copy" describe --tags --exact-match HEAD)
  git -C "$copy" tag -v "$peer_tag" >/dev/null 2>&1 || { echo "promote.sh: git tag -v $peer_tag failed" >&2; exit 1; }
  git -C "$copy" verify-commit HEAD >/dev/null 2>&1 || { echo "promote.sh: commit-and-tag-version's commit is not signed" >&2; exit 1; }
  echo "commit-and-tag-version $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$work/peer/node_modules/commit-and-tag-version/package.json") --sign: $peer_tag and its commit signed;" \
    "CHANGELOG +$(git -C "$copy" diff --numstat HEAD~1 HEAD -- CHANGELOG.md | cut -f1) lines" >&2
fi

# 5. Timings, side by side in one run: a fresh copy of the template before every run (--prepare,
# not timed). hyperfine fails on a non-zero exit, so every timed run succeeded.
prepare="bash -c 'rm -rf $copy && cp -a $template $copy'"
cmds=(--prepare "$prepare" -n "tollgate promote" "$tollgate -C $copy promote")
[ -n "$ctv" ] && cmds+=(--prepare "$prepare" -n "commit-and-tag-version --sign" "env -C $copy $ctv --sign")
cmds+=(--prepare "bash -c 'rm -rf $copy && cp -a $template_bwrap $copy'"
  -n "tollgate promote, sandbox.backend bwrap" "$tollgate -C $copy promote")
hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$work/promote.json" "${cmds[@]}" >&2

# 6. Where tollgate's time goes. Read-only commands on one copy (nothing changes between runs).
fresh "$template"
hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$work/readonly.json" \
  -n "tollgate --version" "$tollgate --version" \
  -n "tollgate sandbox --network allow -- true" "$tollgate sandbox --network allow -- true" \
  -n "tollgate sandbox --backend firejail -- true" "$tollgate sandbox --backend firejail -- true" \
  -n "tollgate sandbox --backend bwrap -- true" "$tollgate sandbox --backend bwrap -- true" \
  -n "tollgate gate" "$tollgate -C $copy gate" \
  -n "tollgate check" "$tollgate -C $copy check" \
  -n "tollgate promote --dry-run" "$tollgate -C $copy promote --dry-run" >/dev/null
# Per phase: `tollgate promote` under strace on fresh copies, as timed above. Only execve and
# exit_group stop (seccomp-bpf), but every process is followed: the total is printed beside
# hyperfine's median. The phases on the main path are cut at the programs tollgate starts: the
# first check's `true`, the last check's exit, the first signing gpg after the checks, the last gpg,
# the exit. Work that overlaps the first phase (gpgme's engine check, the backend probe, the
# snapshot export, all on threads of their own) is timed on its own: the programs it runs, from the
# first to the last.
phases="$work/phases.txt"
: >"$phases"
if command -v strace >/dev/null && strace -f --seccomp-bpf -e trace=execve -o /dev/null true 2>/dev/null; then
  for variant in namespaces bwrap; do
    for _ in $(seq "$runs"); do
      case $variant in
        namespaces) fresh "$template" ;;
        bwrap) fresh "$template_bwrap" ;;
      esac
      strace -f --seccomp-bpf -ttt -e trace=execve,exit_group -o "$work/strace.txt" \
        "$tollgate" -C "$copy" promote >/dev/null 2>&1
      echo "== $variant" >>"$phases"
      cat "$work/strace.txt" >>"$phases"
    done
  done
else
  echo "strace (>= 5.3, --seccomp-bpf) not available: no per-phase breakdown" >&2
fi

/usr/bin/python3 - "$work/promote.json" "$work/readonly.json" "$phases" <<'PY'
import json, re, statistics, sys
median = {}
for path in sys.argv[1:3]:
    for r in json.load(open(path))["results"]:
        median[r["command"]] = statistics.median(r["times"])
ms = lambda s: f"{s * 1000:8.1f} ms"
print()
print(f"{'command':46} {'median':>11}")
for name, value in median.items():
    print(f"{name:46} {ms(value)}")

# Per phase, from the strace logs ("PID SECONDS syscall..." lines, one block per run).
PHASES = [
    "start to the first check (config, plan, key, snapshot)",
    "checks unit and lint (sandboxed `true`, in parallel)",
    "check approvals, CHANGELOG commit object",
    "3 signatures (release tag, stable tag, log)",
    "audit-log entry, refs, checkout, exit",
]
OVERLAPPED = [
    "  of which gpgme's engine check (5 programs)",
    "  of which signing key and probe signature",
    "  of which the backend probe (sh, ls)",
]
GPG = ("gpg", "gpgconf", "gpgsm", "gpg-agent")

def phases(lines):
    main = lines[0].split()[0]
    events, pending = [], {}  # (seconds, "exec" | "exit", pid, program, argv); execve calls not yet returned
    for line in lines:
        pid, stamp = line.split()[:2]
        m = re.search(r'execve\("([^"]+)", \[(.*?)\]', line)
        if m:
            pending[pid] = (float(stamp), m.group(1).rsplit("/", 1)[-1], m.group(2))
        if pid in pending and line.rstrip().endswith(") = 0") and ("execve(" in line or "execve resumed" in line):
            began, name, argv = pending.pop(pid)
            events.append((began, "exec", pid, name, argv))
        elif "+++ exited" in line:
            events.append((float(stamp), "exit", pid, "", ""))
    program = {e[2]: e[3] for e in events if e[1] == "exec"}
    exits = {e[2]: e[0] for e in events if e[1] == "exit"}
    def first(after, pred):
        return next((e for e in events if e[0] >= after and pred(e)), None)
    start = events[0][0]
    end = [e for e in events if e[1] == "exit" and e[2] == main][-1][0]
    checks = [e for e in events if e[1] == "exec" and e[3] == "true"]
    if len(checks) < 2:
        return None
    checks_done = max(exits.get(e[2], e[0]) for e in checks)
    # The first signature: the first gpg after the checks that is not a version query.
    signing = first(checks_done, lambda e: e[1] == "exec" and e[3] == "gpg" and "--version" not in e[4])
    gpg_done = [e for e in events if e[1] == "exit" and program.get(e[2]) in GPG]
    if signing is None or not gpg_done:
        return None
    cuts = [start, checks[0][0], checks_done, signing[0], gpg_done[-1][0], end]
    out = {name: cuts[i + 1] - cuts[i] for i, name in enumerate(PHASES)}
    out["total"] = end - start
    def span(pred):  # from the first program that matches to the exit of the last, before the checks
        chosen = [e for e in events if e[1] == "exec" and e[0] < checks[0][0] and pred(e)]
        return (max(exits.get(e[2], e[0]) for e in chosen) - chosen[0][0]) if chosen else 0.0
    out[OVERLAPPED[0]] = span(lambda e: e[3] in ("gpgconf", "gpgsm") or (e[3] == "gpg" and "--version" in e[4]))
    out[OVERLAPPED[1]] = span(lambda e: e[3] == "gpg" and "--version" not in e[4])
    out[OVERLAPPED[2]] = span(lambda e: e[3] in ("sh", "ls"))
    began, inside = {}, {}  # wall time inside the programs tollgate started, by kind
    for e in events:
        if e[1] == "exec" and e[2] not in began:
            began[e[2]] = e
        elif e[1] == "exit" and e[2] in began:
            kind = "gpg" if began[e[2]][3] in GPG else began[e[2]][3]
            count, spent = inside.get(kind, (0, 0.0))
            inside[kind] = (count + 1, spent + e[0] - began.pop(e[2])[0])
    out["programs"] = inside
    return out

runs, block = {}, None
for line in open(sys.argv[3]):
    if line.startswith("== "):
        block = runs.setdefault(line.split()[1], [])
        block.append([])
    elif block is not None:
        block[-1].append(line.rstrip("\n"))
table = {variant: [p for p in map(phases, logs) if p] for variant, logs in runs.items()}
variants = [v for v in ("namespaces", "bwrap") if table.get(v)]
if variants:
    print()
    print(f"tollgate promote per phase, medians of {len(table[variants[0]])} runs under strace"
          " (the default backend, namespaces, and sandbox.backend bwrap)")
    print(f"{'phase':58}" + "".join(f"{v:>11}" for v in variants))
    for name in PHASES + OVERLAPPED + ["total"]:
        print(f"{name:58}" + "".join(ms(statistics.median(p[name] for p in table[v])).rjust(11) for v in variants))
    timed = {"namespaces": "tollgate promote",
             "bwrap": "tollgate promote, sandbox.backend bwrap"}
    print(f"{'  (hyperfine median, without strace)':58}" + "".join(ms(median[timed[v]]).rjust(11) for v in variants))
    for kind in ("gpg", "firejail", "bwrap"):
        cells = []
        for v in variants:
            counts = [p["programs"].get(kind, (0, 0.0)) for p in table[v]]
            cells.append(f"{statistics.median(c[0] for c in counts):3.0f}: {statistics.median(c[1] for c in counts) * 1000:5.1f} ms")
        if any(not c.startswith("  0:") for c in cells):
            print(f"{'  wall time inside ' + kind + ' processes (count: ms)':58}" + "".join(c.rjust(11) for c in cells))

print()
rows = []
tg = median["tollgate promote"]
bwrap = median["tollgate promote, sandbox.backend bwrap"]
rows.append(("tollgate promote", f"{tg * 1000:.1f} ms", tg < 0.060, "< 60 ms"))
peer = median.get("commit-and-tag-version --sign")
if peer is not None:
    rows.append(("tollgate / commit-and-tag-version", f"{tg / peer:.3f}x", tg / peer <= 0.08, "<= 0.08x"))
    rows.append(("commit-and-tag-version / tollgate", f"{peer / tg:.1f}x", peer / tg >= 8, ">= 8x"))
    rows.append(("commit-and-tag-version / tollgate (bwrap)", f"{peer / bwrap:.1f}x", None, "(information)"))
diff = lambda a, b: f"{(median[a] - median[b]) * 1000:.1f} ms"
rows += [
    ("namespaces vs bwrap (promote - promote with bwrap)", diff("tollgate promote", "tollgate promote, sandbox.backend bwrap"), None, "(information)"),
    ("writes, signatures, refs (promote - dry-run)", diff("tollgate promote", "tollgate promote --dry-run"), None, "(information)"),
    ("firejail probe + 1 run (sandbox - allow)", diff("tollgate sandbox --backend firejail -- true", "tollgate sandbox --network allow -- true"), None, "(information)"),
    ("bwrap probe + 1 run (sandbox - allow)", diff("tollgate sandbox --backend bwrap -- true", "tollgate sandbox --network allow -- true"), None, "(information)"),
]
for name, value, ok, target in rows:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:50} {value:>10}  {target:14} {verdict}")
PY
