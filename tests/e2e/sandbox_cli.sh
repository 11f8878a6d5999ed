# `tollgate sandbox -- CMD`: exit codes, limits, kill reasons, network isolation, no leftovers.
source "$(dirname "$0")/lib.bash"

tg sandbox -- sh -c 'exit 7'
expect_code 7 "exit code passes through"

tg sandbox --network allow -- sh -c 'echo "$SANDBOX_CPU_SEC/$SANDBOX_MEM_MB"'
expect_code 0 "runs"
expect_out '^600/4096$' "default limits exported to the child"

SANDBOX_CPU_SEC=30 SANDBOX_MEM_MB=512 tg sandbox --network allow -- sh -c 'echo "$SANDBOX_CPU_SEC/$SANDBOX_MEM_MB"'
expect_out '^30/512$' "limits from the environment"

tg sandbox --cpu-sec 1 --timeout 30 -- sh -c 'while :; do :; done'
[ "$CODE" -gt 128 ] || fail "killed by a signal: 128+signal"
expect_err 'killed: CPU limit of 1 s' "names the CPU limit"

marker="600.$RANDOM$RANDOM"
tg sandbox --timeout 1 -- sh -c "setsid sleep $marker & sleep $marker"
[ "$CODE" -gt 128 ] || fail "timeout exit code is 128+signal, got $CODE"
expect_err 'killed: wall-clock timeout of 1 s' "names the timeout"
sleep 0.2
if grep -qs -- "$marker" /proc/[0-9]*/cmdline; then
  fail "a process of the tree survived the timeout"
fi

tg sandbox -- no-such-program-xyz
expect_code 127 "missing program"
expect_err 'no-such-program-xyz.*not found' "says it is not found"

tg --json sandbox --network allow -- sh -c 'echo to-stderr-under-json'
expect_code 0 "json"
[ "$(json_get 'd["exit_code"]')" = 0 ] || fail "json exit code"
expect_err 'to-stderr-under-json' "the command's stdout moves to stderr under --json"

finish
