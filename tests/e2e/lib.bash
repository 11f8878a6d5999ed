# Shared helpers for the end-to-end scenarios: each scenario sources this file, works in a fresh
# temporary directory (removed on exit) and drives the real `tollgate` binary ($TOLLGATE).
set -uo pipefail

: "${TOLLGATE:?set TOLLGATE to the built binary}"
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-e2e-XXXXXX")
export HOME="$E2E_TMP/home" XDG_CACHE_HOME="$E2E_TMP/home/.cache"
mkdir -p "$HOME"
export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="Test Author" GIT_COMMITTER_EMAIL="author@example.com"
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset GITHUB_ACTIONS SANDBOX_CPU_SEC SANDBOX_MEM_MB
trap 'rm -rf "$E2E_TMP"' EXIT
E2E_FAILURES=0
E2E_NAME=$(basename "$0" .sh)

fail() {
  echo "FAIL [$E2E_NAME]: $*" >&2
  E2E_FAILURES=$((E2E_FAILURES + 1))
}

# Runs tollgate; sets OUT (stdout), ERR (stderr) and CODE.
tg() {
  local out_file="$E2E_TMP/.out" err_file="$E2E_TMP/.err"
  "$TOLLGATE" "$@" >"$out_file" 2>"$err_file"
  CODE=$?
  OUT=$(cat "$out_file")
  ERR=$(cat "$err_file")
}

expect_code() { # expect_code N description
  if [ "$CODE" -ne "$1" ]; then
    fail "$2: expected exit $1, got $CODE"$'\n'"--- stdout:"$'\n'"$OUT"$'\n'"--- stderr:"$'\n'"$ERR"
  fi
}

expect_out() { # expect_out REGEX description  (searched in stdout)
  if ! grep -Eq -- "$1" <<<"$OUT"; then
    fail "$2: stdout lacks /$1/"$'\n'"--- stdout:"$'\n'"$OUT"$'\n'"--- stderr:"$'\n'"$ERR"
  fi
}

expect_err() { # expect_err REGEX description  (searched in stderr)
  if ! grep -Eq -- "$1" <<<"$ERR"; then
    fail "$2: stderr lacks /$1/"$'\n'"--- stderr:"$'\n'"$ERR"
  fi
}

expect_no_out() { # expect_no_out REGEX description
  if grep -Eq -- "$1" <<<"$OUT"; then
    fail "$2: stdout unexpectedly has /$1/"$'\n'"$OUT"
  fi
}

# json_get FILTER: evaluates a Python expression over the JSON in $OUT (bound to `d`).
json_get() {
  /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT"
}

# new_repo DIR: an empty git repository with one commit.
new_repo() {
  local dir=$1
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  git -C "$dir" commit -q --allow-empty -m "chore: initial commit"
}

# write_config DIR <<'YAML' ... : writes DIR/tollgate.yaml from stdin.
write_config() {
  cat >"$1/tollgate.yaml"
}

finish() {
  if [ "$E2E_FAILURES" -ne 0 ]; then
    echo "$E2E_NAME: $E2E_FAILURES failure(s)" >&2
    exit 1
  fi
  echo "$E2E_NAME: ok"
}

# start_listener [NAME]: a listener accepting and closing connections for up to 2 minutes: on TCP
# 127.0.0.1 (sets `port`), or with NAME on the abstract Unix socket NAME (outside the file system,
# as X11 and D-Bus listen); sets `listener` (its pid, for the caller's exit trap).
start_listener() {
  local port_file="$E2E_TMP/port"
  rm -f "$port_file"
  /usr/bin/python3 - "$port_file" "${1:-}" <<'PY' &
import socket, sys
if sys.argv[2]:
    s = socket.socket(socket.AF_UNIX)
    s.bind("\0" + sys.argv[2])
else:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write("0" if sys.argv[2] else str(s.getsockname()[1]))
s.settimeout(120)
try:
    while True:
        conn, _ = s.accept()
        conn.close()
except OSError:
    pass
PY
  listener=$!
  for _ in $(seq 1 50); do [ -s "$port_file" ] && break; sleep 0.1; done
  port=$(cat "$port_file")
}
