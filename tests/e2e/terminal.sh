# On a terminal: a live spinner line per running check, ✔/✘/○ marks and colour; NO_COLOR and
# --no-color give plain lines. Ctrl-C stops the run, ends the running command's tree, exits 130.
source "$(dirname "$0")/lib.bash"
command -v script >/dev/null || { echo "terminal: skipped (no script(1))"; exit 0; }

repo="$E2E_TMP/repo"
new_repo "$repo"
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: slow, run: "sleep 0.4"}
  - command: {id: broken, run: "sh -c 'echo oops; exit 2'"}
  - command: {id: later, run: "true"}
YAML

# script(1) gives tollgate a pseudo-terminal; its output is what a user would see.
on_tty() {
  OUT=$(cd "$repo" && env -u NO_COLOR TERM=xterm script -qec "$TOLLGATE $*" /dev/null | tr -d '\r')
}

on_tty check --keep-going
grep -q $'\x1b\[2K' <<<"$OUT" || fail "no live redraw on a terminal"
grep -q '⠋' <<<"$OUT" || fail "no spinner on a terminal"
grep -Eq '✔.* slow .*exit 0' <<<"$OUT" || fail "no ✔ line for slow: $OUT"
grep -Eq '✘.* broken .*exit 2 \(namespaces\): oops' <<<"$OUT" || fail "no ✘ line for broken"
grep -q $'\x1b\[31m' <<<"$OUT" || fail "no colour on a terminal"

on_tty --no-color check --keep-going
grep -q $'\x1b\[' <<<"$OUT" && fail "--no-color still prints escape sequences"
grep -Eq '^fail +broken' <<<"$OUT" || fail "--no-color gives plain lines"

OUT=$(cd "$repo" && NO_COLOR=1 TERM=xterm script -qec "$TOLLGATE check --keep-going" /dev/null | tr -d '\r')
grep -q $'\x1b\[' <<<"$OUT" && fail "NO_COLOR still prints escape sequences"

# --jobs: one live line per running check (the block is redrawn: cursor up, clear line).
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: one, run: "sleep 0.5"}
  - command: {id: two, run: "sleep 0.5"}
YAML
on_tty check --jobs 2
grep -q $'\x1b\[1A' <<<"$OUT" || fail "--jobs on a terminal: no multi-line live block"
grep -Eq '⠋.* one ' <<<"$OUT" && grep -Eq '⠋.* two ' <<<"$OUT" || fail "--jobs: both running checks get a live line"

# Ctrl-C: SIGINT to tollgate ends the run promptly, kills the command's tree, exits 130.
marker="600.$RANDOM$RANDOM"
write_config "$repo" <<YAML
sandbox: {network: allow}
checks:
  - command: {id: forever, run: "sh -c 'setsid sleep $marker & sleep $marker'"}
  - command: {id: never, run: "true"}
YAML
(cd "$repo" && exec "$TOLLGATE" check --jobs 1 >"$E2E_TMP/int.out" 2>&1) & # `never` waits its turn
pid=$!
# Interrupt once the check's command runs (start-up includes the confinement probe).
for _ in $(seq 1 200); do pgrep -f "sleep $marker" >/dev/null && break; sleep 0.05; done
kill -INT "$pid"
start=$(date +%s%N)
wait "$pid"
code=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$code" -eq 130 ] || fail "Ctrl-C: expected exit 130, got $code: $(cat "$E2E_TMP/int.out")"
[ "$elapsed" -lt 4000 ] || fail "Ctrl-C took ${elapsed} ms"
grep -Eq '^skipped +never .*interrupted' "$E2E_TMP/int.out" || fail "later checks are reported as not run: $(cat "$E2E_TMP/int.out")"
sleep 0.2
if grep -qs -- "$marker" /proc/[0-9]*/cmdline; then
  fail "a process of the interrupted check survived"
fi

finish
