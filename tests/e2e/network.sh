# Network isolation through the CLI: a listener the test opens on 127.0.0.1 is unreachable with
# `network: none` (each backend), reachable with `network: allow`; a required backend that is not
# installed makes the check fail with the reason (exit 3), never run with network.
source "$(dirname "$0")/lib.bash"

start_listener
trap 'kill $listener 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
connect="exec 3<>/dev/tcp/127.0.0.1/$port"

tg sandbox --network allow -- bash -c "$connect"
expect_code 0 "network: allow reaches the listener"

for backend in auto firejail bwrap unshare; do
  tg sandbox --network none --backend "$backend" -- bash -c "$connect"
  [ "$CODE" -ne 0 ] || fail "network: none via $backend reached 127.0.0.1:$port"
done

# The same through a check, with the backend named in the summary.
repo="$E2E_TMP/repo"
new_repo "$repo"
write_config "$repo" <<YAML
sandbox: {network: none}
checks:
  - command: {id: connect, run: "bash -c '$connect'"}
YAML
tg -C "$repo" check
expect_code 1 "a check cannot reach the listener"
expect_out '^fail +connect .*\((namespaces|bwrap|firejail)\)' "names the isolation backend"

# A required backend that is not installed: the check cannot run, and says why.
minpath="$E2E_TMP/bin"
mkdir -p "$minpath"
for p in sh bash true git cat; do ln -s "$(type -P $p)" "$minpath/$p"; done
write_config "$repo" <<'YAML'
sandbox: {network: none, backend: firejail}
checks:
  - command: {id: hello, run: "true"}
YAML
PATH="$minpath" tg -C "$repo" check
expect_code 3 "missing firejail"
expect_err 'cannot be confined: confinement with firejail is not available' "says why"

# auto falls back to the next backend that works. (The program is named by its path: a confined
# check cannot see $minpath, which is under the hidden /tmp.)
write_config "$repo" <<'YAML'
sandbox: {network: none}
checks:
  - command: {id: hello, run: "/usr/bin/true"}
YAML
PATH="$minpath" tg -C "$repo" check
expect_code 0 "auto without firejail or bwrap (namespaces are built in)"
expect_out '^pass +hello .*\(namespaces\)' "namespaces need no helper"

finish
