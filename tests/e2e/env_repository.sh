#!/usr/bin/env bash
# Environment failures of the repository and the user's setup, each beside its control: a shallow
# clone (exit 3: `git fetch --unshallow`), a bare repository (verify, history, approvals, gate REV
# and check REV work; check in place and promote need a work tree: exit 3), a read-only checkout
# (check works, its logs elsewhere; promote refuses before any check), an unwritable --junit path
# (exit 2 before any check), HOME unset, bwrap as root below a directory the sandbox's uid cannot
# search (exit 3; the namespaces backend works there).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

origin="$E2E_TMP/origin"
promote_repo "$origin"
approve_head "$origin"
candidate=$(git -C "$origin" rev-parse HEAD)

# --- a read-only checkout -----------------------------------------------------------------------
# A read-only bind mount in a private mount namespace (the tests run as root, which file modes
# would not stop).
read_only() { # read_only DIR ARGS...: tollgate ARGS with DIR mounted read-only
  local dir=$1
  shift
  tg_ro_dir=$dir TMPDIR=$E2E_TMP unshare -m sh -c \
    'mount --bind "$tg_ro_dir" "$tg_ro_dir" && mount -o remount,bind,ro "$tg_ro_dir" && exec "$0" "$@"' \
    "$TOLLGATE" "$@" >"$E2E_TMP/.out" 2>"$E2E_TMP/.err"
  CODE=$?
  OUT=$(cat "$E2E_TMP/.out")
  ERR=$(cat "$E2E_TMP/.err")
}
runs=$(ls "$origin/.git/tollgate/logs" 2>/dev/null | wc -l)
read_only "$origin" -C "$origin" check
expect_code 0 "check on a read-only checkout"
expect_out '^pass +unit' "the checks ran"
expect_err "^tollgate: note: $origin/.git is not writable \(Read-only file system\): this run's logs go to $E2E_TMP/tollgate-logs-" \
  "says where the logs went"
[ "$(ls "$origin/.git/tollgate/logs" 2>/dev/null | wc -l)" = "$runs" ] || fail "nothing written into the read-only .git"

before=$(snapshot "$origin")
read_only "$origin" -C "$origin" promote
expect_code 3 "promote on a read-only checkout"
expect_err "^tollgate: error: cannot open $origin/.git/tollgate.lock: Read-only file system \(a promotion writes .*must be writable\)" \
  "names the path"
expect_no_out 'unit' "refused before any check ran"
[ "$(snapshot "$origin")" = "$before" ] || fail "the read-only promotion changed something"

tg -C "$origin" promote
expect_code 0 "control: the same promotion, writable"
git -C "$origin" commit -q --allow-empty -m "feat: the second feature"

# --- an unwritable --junit path -----------------------------------------------------------------
runs=$(ls "$origin/.git/tollgate/logs" | wc -l)
tg -C "$origin" check --only unit --junit "$E2E_TMP/no/such/dir/report.xml"
expect_code 2 "--junit in a missing directory"
expect_err "^tollgate: error: --junit $E2E_TMP/no/such/dir/report.xml: cannot write there \(No such file or directory\); nothing was run$" \
  "names the path and the reason"
expect_no_out 'unit' "refused before any check ran"
[ "$(ls "$origin/.git/tollgate/logs" | wc -l)" = "$runs" ] || fail "no run started"
tg -C "$origin" gate --junit "$E2E_TMP"
expect_code 2 "gate --junit naming a directory"
expect_err "^tollgate: error: --junit $E2E_TMP: is a directory" "says it is a directory"
tg -C "$origin" check --only unit --junit "$E2E_TMP/report.xml"
expect_code 0 "control: a writable --junit path"
grep -q '<testsuite' "$E2E_TMP/report.xml" || fail "the JUnit report was written"

# --- HOME unset ---------------------------------------------------------------------------------
env -u HOME "$TOLLGATE" -C "$origin" verify >/dev/null 2>"$E2E_TMP/.err" || fail "verify with HOME unset: $(cat "$E2E_TMP/.err")"
env -u HOME "$TOLLGATE" -C "$origin" check --only unit >/dev/null 2>"$E2E_TMP/.err" || fail "check with HOME unset: $(cat "$E2E_TMP/.err")"
# Neither HOME nor XDG_CACHE_HOME: the cache falls back to the passwd entry's home (a scratch
# tmpfs on it here, so that the test leaves the real one alone). Verified through gpg, approvals
# keep a keyring and cached verdicts there (in-process verification needs none).
home=$(getent passwd "$(id -u)" | cut -d: -f6)
printf 'gpg: {verify: gpgme}\n' >>"$origin/tollgate.yaml"
env -u HOME -u XDG_CACHE_HOME tg_home="$home" unshare -m sh -c \
  'mount -t tmpfs tmpfs "$tg_home" && "$0" "$@" && test -f "$tg_home/.cache/tollgate/hmac.key"' \
  "$TOLLGATE" -C "$origin" approvals "$candidate" >"$E2E_TMP/.out" 2>"$E2E_TMP/.err"
git -C "$origin" checkout -q tollgate.yaml
CODE=$? OUT=$(cat "$E2E_TMP/.out") ERR=$(cat "$E2E_TMP/.err")
expect_code 0 "approvals with neither HOME nor XDG_CACHE_HOME (its cache under the passwd home)"

# --- a bare repository --------------------------------------------------------------------------
bare="$E2E_TMP/bare.git"
git clone -q --mirror "$origin" "$bare"
tg -C "$bare" verify
expect_code 0 "verify in a bare repository"
expect_out 'v0.1.0 verified' "the release verifies"
tg -C "$bare" history
expect_code 0 "history in a bare repository"
expect_out 'promote +v0.1.0' "lists the promotion"
tg -C "$bare" approvals "$candidate"
expect_code 0 "approvals REV in a bare repository"
expect_out '2 of 2 required approvals' "counts them"
tg -C "$bare" gate "$candidate"
expect_code 0 "gate REV in a bare repository: open"
tg -C "$bare" gate main
expect_code 1 "gate REV in a bare repository: closed (no approvals of main)"
tg -C "$bare" check "$candidate"
expect_code 0 "check REV in a bare repository (a snapshot)"
expect_out '^pass +unit' "its checks ran"
tg -C "$bare" check
expect_code 3 "check without a revision in a bare repository"
expect_err "^tollgate: error: $bare is a bare repository: \`tollgate check\` without a revision \(it runs in place\) needs a work tree \(give one: \`tollgate check HEAD\`" \
  "says a work tree is needed and what works"
before=$(git -C "$bare" for-each-ref)
tg -C "$bare" promote
expect_code 3 "promote in a bare repository"
expect_err "^tollgate: error: $bare is a bare repository: this command needs a work tree" "says a work tree is needed"
[ "$(git -C "$bare" for-each-ref)" = "$before" ] || fail "promote changed the bare repository"

# --- a shallow clone ----------------------------------------------------------------------------
shallow="$E2E_TMP/shallow"
git clone -q --depth 1 "file://$origin" "$shallow"
for command in changelog check promote "gate HEAD"; do
  # shellcheck disable=SC2086
  tg -C "$shallow" $command
  expect_code 3 "$command in a shallow clone"
  expect_err '^tollgate: error: shallow clone: .* needs the whole history: run `git fetch --unshallow`' \
    "$command says how to fetch the history"
done
git -C "$shallow" fetch -q --unshallow
git -C "$shallow" fetch -q origin 'refs/tags/*:refs/tags/*'
tg -C "$shallow" changelog
expect_code 0 "control: changelog after git fetch --unshallow"
expect_out '0.2.0' "the next version from the whole history"
tg -C "$shallow" check --only unit
expect_code 0 "control: check after git fetch --unshallow"

# --- bwrap as root, below a directory the sandbox's uid cannot search ---------------------------
# As root, a check on a snapshot runs as uid 65534, and bwrap mounts as that uid: a 0700 directory
# above the repository stops it inside the sandbox. That is the machine's setup, said as one
# environment error (exit 3) naming the directory, never a check that failed (exit 1).
if [ "$(id -u)" = 0 ] && command -v bwrap >/dev/null; then
  chmod 0755 "$E2E_TMP" # mktemp's 0700 would stop everything below it
  closed="$E2E_TMP/closed"
  mkdir -m 0700 "$closed"
  new_repo "$closed/repo"
  write_config "$closed/repo" <<'YAML'
version: 1
sandbox:
  backend: bwrap
checks:
  - command: {id: unit, run: "git log -1 --format=%s"}
YAML
  git -C "$closed/repo" add tollgate.yaml
  git -C "$closed/repo" commit -q -m "feat: checks under bwrap"
  tg -C "$closed/repo" check HEAD
  expect_code 3 "bwrap as root below a 0700 directory"
  expect_out "^error +unit .*confinement with bwrap: uid 65534 cannot search .$closed. \(mode 0700, uid 0\)" \
    "names the directory and its mode"
  expect_out "sandbox.backend: namespaces" "names the backend that works"
  sed -i 's/backend: bwrap/backend: namespaces/' "$closed/repo/tollgate.yaml"
  git -C "$closed/repo" commit -q -am "feat: checks under namespaces"
  tg -C "$closed/repo" check HEAD
  expect_code 0 "control: the namespaces backend below the same directory"
  git -C "$closed/repo" reset -q --hard HEAD~1
  chmod 0711 "$closed"
  tg -C "$closed/repo" check HEAD
  expect_code 0 "control: bwrap once the directory is searchable"
  expect_out '^pass +unit .*\(bwrap\)' "the check ran under bwrap, and git read the objects"
  chmod 0700 "$E2E_TMP"
fi

finish
