# tollgate run by an unprivileged user: the built-in namespaces backend confines a command (a user
# namespace of the user's own), and the in-memory scratch is capped as for root. The supervisor
# writes the namespace's uid_map while its first process waits; that process made itself
# non-dumpable first, which gives its /proc files to root, so an unprivileged supervisor lost the
# race most times (`cannot create the namespaces: Permission denied`). Needs root (to become
# `nobody`) and unprivileged user namespaces; says SKIPPED otherwise.
source "$(dirname "$0")/lib.bash"

as_nobody() { # as_nobody CMD...: runs CMD as uid/gid 65534, HOME its own
  setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$E2E_TMP/nobody" "$@"
}

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
  echo "$E2E_NAME: SKIPPED (needs root and setpriv to become nobody)"
  finish
  exit 0
fi
chmod 0755 "$E2E_TMP"
mkdir -m 0700 "$E2E_TMP/nobody" && chown 65534:65534 "$E2E_TMP/nobody"
if ! as_nobody unshare -U -r true 2>/dev/null; then
  echo "$E2E_NAME: SKIPPED (no unprivileged user namespaces here)"
  finish
  exit 0
fi

# Control: root confines with the same backend.
tg sandbox --backend namespaces -- true
expect_code 0 "control: root confines with namespaces"

# The race was lost most times: ten runs in a row must all start.
started=0
for _ in $(seq 1 10); do
  if as_nobody "$TOLLGATE" sandbox --backend namespaces -- sh -c 'test "$(id -u)" = 1000' >"$E2E_TMP/.out" 2>"$E2E_TMP/.err"; then
    started=$((started + 1))
  else
    last_error=$(cat "$E2E_TMP/.err")
  fi
done
[ "$started" -eq 10 ] || fail "unprivileged: $started of 10 confined runs started; the last error: ${last_error:-}"

# The scratch cap holds for an unprivileged user too, and the hiding mounts are read-only.
as_nobody "$TOLLGATE" sandbox --backend namespaces --mem-mb 64 -- \
  sh -c 'head -c 16M /dev/zero >/tmp/small && echo SMALL; head -c 128M /dev/zero >/tmp/big && echo BIG; (echo x >/run/x) 2>/dev/null && echo RUN' \
  >"$E2E_TMP/.out" 2>"$E2E_TMP/.err"
grep -q '^SMALL$' "$E2E_TMP/.out" || fail "unprivileged: control: 16 MiB in /tmp refused: $(cat "$E2E_TMP/.err")"
grep -q '^BIG$' "$E2E_TMP/.out" && fail "unprivileged: 128 MiB in /tmp past a 64 MiB limit"
grep -q '^RUN$' "$E2E_TMP/.out" && fail "unprivileged: /run is writable"

finish
