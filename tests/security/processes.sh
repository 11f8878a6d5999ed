# Attacks on the judge's processes and the machine from a check: stopping tollgate (SIGSTOP to every
# process it can see) to run past its time limit, reading or writing tollgate's memory and
# environment through /proc, unmounting /proc, new user namespaces, ptrace, a fork bomb, a daemon
# left behind, the network. Judged by outcomes: the run ends within its limit, nothing survives,
# the secret never appears. Each has a control.
source "$(dirname "$0")/lib.bash"

export TOLLGATE_TEST_SECRET="secret-${RANDOM}${RANDOM}"
marker="tollgate-attack-$$-${RANDOM}"

# An abstract Unix socket on the host (X11 and D-Bus listen so, outside the file system): it
# belongs to the host's network namespace. Control: the host reaches it.
abstract="tollgate-abstract-$$-${RANDOM}"
start_listener "$abstract"
abstract_listener=$listener
connect_abstract="$E2E_TMP/connect_abstract.py" # copied into each repository for the probe
cat >"$connect_abstract" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect("\0" + sys.argv[1])
print("ABSTRACT SOCKET")
PY
/usr/bin/python3 "$connect_abstract" "$abstract" >/dev/null 2>&1 || fail "control: the host cannot reach its own abstract socket"

for backend in "${BACKENDS[@]}"; do
  repo="$E2E_TMP/repo-$backend"
  new_repo "$repo"
  cat >"$repo/probe.sh" <<'SH'
#!/bin/sh
# What the check can see of the judge and the machine.
# Every process visible: only the namespace's first process (pid 1) and the check's own.
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  [ "$(readlink "$p/exe" 2>/dev/null)" = "$1" ] && [ "$pid" != 1 ] && echo "SAW tollgate as $pid"
  tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -a TOLLGATE_TEST_SECRET
  head -c 16 "$p/mem" >/dev/null 2>&1 && [ "$pid" != "$$" ] && echo "READ the memory of $pid"
  kill -0 "$pid" 2>/dev/null && [ "$pid" = 1 ] && kill -STOP 1 2>/dev/null && grep -q '^State:.*T' /proc/1/status && echo "STOPPED pid 1"
done
umount /proc 2>/dev/null && echo "UNMOUNTED /proc"
mount -t tmpfs none /mnt 2>/dev/null && echo "MOUNTED"
unshare -U true 2>/dev/null && echo "NEW USER NAMESPACE"
unshare -rm true 2>/dev/null && echo "NEW USER NAMESPACE (root map)"
test "$(id -u)" = 0 && test "$2" != firejail && echo "UID 0 in the sandbox"
grep -q '^CapEff:[[:space:]]*0*$' /proc/self/status || echo "HAS CAPABILITIES $(grep CapEff /proc/self/status)"
/usr/bin/python3 - <<'PY'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
for pid in (1, os.getppid()):
    if libc.ptrace(16, pid, 0, 0) == 0:  # PTRACE_ATTACH
        print("PTRACED", pid)
PY
bash -c "exec 3<>/dev/tcp/127.0.0.1/22" 2>/dev/null && echo "NETWORK"
/usr/bin/python3 ./connect_abstract.py "$3" 2>/dev/null
/usr/bin/python3 - <<'PY'
import socket  # control: abstract sockets work inside the sandbox's own namespace
a = socket.socket(socket.AF_UNIX)
a.bind("\0tollgate-inside")
a.listen(1)
socket.socket(socket.AF_UNIX).connect("\0tollgate-inside")
print("CONTROL local abstract socket")
PY
echo done
SH
  cat >"$repo/stop.sh" <<'SH'
#!/bin/sh
# Stop everything visible, then outlive the time limit.
kill -STOP -1 2>/dev/null
for p in /proc/[0-9]*; do kill -STOP "${p#/proc/}" 2>/dev/null; done
exec sleep 120
SH
  cat >"$repo/bomb.sh" <<SH
#!/bin/sh
# A fork bomb of long sleepers, then a daemon in its own session.
setsid sh -c 'exec sleep 999.$$' &
i=0
while [ \$i -lt 100000 ]; do sleep 998.$$ & i=\$((i+1)); done
SH
  chmod +x "$repo"/*.sh
  cp "$connect_abstract" "$repo/"
  attack_config "$repo" "$backend" <<YAML
checks:
  - command: {id: control, run: "sleep 0.1"}
  - command: {id: probe, run: "./probe.sh $TOLLGATE $backend $abstract"}
  - command: {id: stop, run: "./stop.sh", timeout: 3}
  - command: {id: bomb, run: "./bomb.sh", timeout: 5}
YAML
  git -C "$repo" add -A && git -C "$repo" commit -qm "test: hostile processes"
  start=$(date +%s)
  tg -C "$repo" check --keep-going
  took=$(( $(date +%s) - start ))
  expect_out "pass +control" "[$backend] control passes"
  expect_out "fail +stop .*timeout" "[$backend] stopping tollgate does not outlive the time limit"
  [ "$took" -lt 60 ] || fail "[$backend] the run took ${took}s: the time limit did not hold"
  log=$(ls -d "$repo"/.git/tollgate/logs/*/ | tail -1)
  grep -q '^done$' "$log/probe.log" || fail "[$backend] the probe did not finish: $(cat "$log/probe.log")"
  grep -q '^CONTROL local abstract socket$' "$log/probe.log" || fail "[$backend] control: no abstract socket inside"
  reached='SAW|READ|STOPPED|UNMOUNTED|MOUNTED|NAMESPACE|UID 0|CAPABILITIES|PTRACED|NETWORK|ABSTRACT SOCKET'
  if grep -Eq "$reached" "$log/probe.log"; then
    fail "[$backend] the check reached the judge: $(grep -E "$reached" "$log/probe.log" | tr '\n' ' ')"
  fi
  grep -q "$TOLLGATE_TEST_SECRET" "$log"/*.log && fail "[$backend] the secret of tollgate's environment leaked"
  sleep 0.5
  if pgrep -f "sleep 99[89]\.$$" >/dev/null; then
    fail "[$backend] processes of the check survived it: $(pgrep -af "sleep 99[89]\.$$" | head -3)"
    pkill -f "sleep 99[89]\.$$"
  fi
done
kill "$abstract_listener" 2>/dev/null

finish
