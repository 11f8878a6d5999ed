#!/usr/bin/env bash
# Environment failures with the tools (exit 3, one line, nothing half-done): pytest or pre-commit not
# installed (not "tests failed"), gpg or gpg-agent missing, a passphrase-protected key and no
# terminal (an error within 5 s, not a hang). Each beside its control.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

# tools_without DIR PATTERN...: DIR gets a link to every program in /usr/bin but those matching a
# PATTERN: a PATH on which they are not installed.
tools_without() {
  local dir=$1 pattern
  shift
  mkdir -p "$dir"
  ln -s /usr/bin/* "$dir/"
  for pattern in "$@"; do
    # shellcheck disable=SC2086
    rm -f "$dir"/$pattern
  done
}

# --- pytest -------------------------------------------------------------------------------------
# The PATH directories live in the work tree: a confined check sees it (and not the rest of /tmp).
repo="$E2E_TMP/py"
new_repo "$repo"
mkdir -p "$repo/tests"
printf 'def test_ok():\n    assert True\n' >"$repo/tests/test_ok.py"
write_config "$repo" <<'YAML'
checks:
  - pytest: {timeout: 60}
YAML
echo "/.tools-*" >>"$repo/.git/info/exclude"
tools_without "$repo/.tools-all"
tools_without "$repo/.tools-none" 'pytest*' 'py.test*' 'python3*'
tools_without "$repo/.tools-nomodule" 'pytest*' 'py.test*' 'python3*'
# A python3 without the pytest module: Debian's dist-packages come from `site`, which -S skips.
printf '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n' >"$repo/.tools-nomodule/python3"
chmod +x "$repo/.tools-nomodule/python3"

PATH="$repo/.tools-all" tg -C "$repo" check
expect_code 0 "control: pytest on PATH"
expect_out '^pass +pytest .*1 passed' "the suite ran"

PATH="$repo/.tools-none" tg -C "$repo" check
expect_code 3 "neither pytest nor python3: an environment error"
expect_out '^error +pytest .*pytest is not installed \(`python3`: command not found.*\): apt install python3-pytest' \
  "names pytest and how to install it"
expect_no_out '^fail ' "not reported as failed tests"

PATH="$repo/.tools-nomodule" tg -C "$repo" check --junit "$E2E_TMP/py.xml"
expect_code 3 "a python3 without pytest: an environment error"
expect_out '^error +pytest .*pytest is not installed \(`python3 -m pytest`: No module named pytest\): apt install' \
  "says which python lacks it"
grep -q '<error message="pytest is not installed' "$E2E_TMP/py.xml" || fail "JUnit: an <error>, not a <failure>"

PATH="$repo/.tools-nomodule" tg -C "$repo" --json check
expect_code 3 "--json: exit 3"
[ "$(json_get 'd["checks"][0]["status"]')" = error ] || fail "JSON: status error"
[ "$(json_get 'd["checks"][0]["details"]["missing"]')" = pytest ] || fail "JSON: details.missing names pytest"
[ "$(json_get 'd["exit_code"]')" = 3 ] || fail "JSON: exit_code 3"

# --- pre-commit ---------------------------------------------------------------------------------
repo="$E2E_TMP/pc"
new_repo "$repo"
cat >"$repo/.pre-commit-config.yaml" <<'YAML'
repos:
  - repo: local
    hooks:
      - id: nothing
        name: nothing
        language: system
        entry: "true"
YAML
write_config "$repo" <<'YAML'
checks:
  - pre-commit: {timeout: 60}
YAML
git -C "$repo" add -A && git -C "$repo" commit -qm "chore: hooks"
echo "/.tools-*" >>"$repo/.git/info/exclude"
tools_without "$repo/.tools-all"
tools_without "$repo/.tools-none" 'pre-commit*'

PATH="$repo/.tools-all" tg -C "$repo" check
expect_code 0 "control: pre-commit on PATH"

PATH="$repo/.tools-none" tg -C "$repo" check
expect_code 3 "pre-commit missing: an environment error"
expect_out '^error +pre-commit .*pre-commit is not installed \(`pre-commit`: command not found.*\): apt install pre-commit' \
  "names pre-commit and how to install it"

# --- gpg ----------------------------------------------------------------------------------------
repo="$E2E_TMP/sign"
promote_repo "$repo"
tools="$E2E_TMP/tools"
tools_without "$tools/no-gpg" 'gpg*'

PATH="$tools/no-gpg" tg -C "$repo" approve --key "$ADA"
expect_code 3 "approve without gpg"
expect_err '^tollgate: error: gpg not found: install gnupg' "names gpg and the package"
[ -z "$(git -C "$repo" for-each-ref refs/tollgate/)" ] || fail "no approval ref without gpg"

PATH="$tools/no-gpg" tg -C "$repo" promote
expect_code 3 "promote without gpg"
expect_err '^tollgate: error: gpg not found: install gnupg' "promote names gpg too"

# gpg-agent missing: gpg cannot start one (as when the gpg-agent package is not installed).
gpgconf --kill gpg-agent
echo "agent-program $E2E_TMP/no-such-gpg-agent" >"$GNUPGHOME/gpg.conf"
tg -C "$repo" approve --key "$ADA" </dev/null
expect_code 3 "approve without gpg-agent"
expect_err '^tollgate: error: .*gpg-agent .*install gpg-agent' "names gpg-agent and the package"
[ -z "$(git -C "$repo" for-each-ref refs/tollgate/)" ] || fail "no approval ref without gpg-agent"
rm "$GNUPGHOME/gpg.conf"

tg -C "$repo" approve --key "$ADA" </dev/null
expect_code 0 "control: the same approval with gpg and its agent"

# --- librnp -------------------------------------------------------------------------------------
# RNP is loaded on first use: without it, commands that verify no signature still work, and those
# that do stop with exit 3 naming the package (the keys are not blamed, nothing is promoted).
librnp=$(/sbin/ldconfig -p | awk '/librnp\.so\.0 /{print $NF; exit}')
if [ -n "$librnp" ] && command -v bwrap >/dev/null; then
  approve_head "$repo" # Ada approved above; now Bob too
  without_rnp() { bwrap --bind / / --dev /dev --ro-bind /dev/null "$librnp" "$@"; }
  without_rnp "$TOLLGATE" --version >/dev/null 2>&1 || fail "--version needs no librnp"
  CODE=0
  OUT=$(without_rnp "$TOLLGATE" -C "$repo" gate 2>"$E2E_TMP/rnp.err") || CODE=$?
  ERR=$(cat "$E2E_TMP/rnp.err")
  expect_code 3 "gate without librnp"
  expect_out "error +trust-root .*cannot load RNP, the OpenPGP library .*install librnp0" "names RNP and the package"
  grep -q "ada.asc" <<<"$OUT" && fail "the key files are blamed for a missing library: $OUT"
  tags_before=$(git -C "$repo" tag)
  CODE=0
  OUT=$(without_rnp "$TOLLGATE" -C "$repo" promote 2>&1) || CODE=$?
  expect_code 3 "promote without librnp"
  [ "$(git -C "$repo" tag)" = "$tags_before" ] || fail "promote without librnp made a tag"
  tg -C "$repo" gate
  expect_code 0 "control: the same gate with librnp"
else
  echo "librnp or bwrap missing: the RNP load failure was not exercised"
fi

# --- a passphrase and no terminal ---------------------------------------------------------------
gpg --batch --quiet --pinentry-mode loopback --passphrase 'open sesame' \
  --quick-gen-key "Carol Locked <carol@example.com>" ed25519 sign never 2>/dev/null
CAROL=$(fpr_of carol@example.com)
gpgconf --kill gpg-agent # forget the passphrase cached while generating

no_tty() { # no_tty ARGS...: tollgate without a controlling terminal or a terminal on stdin, 5 s at most
  timeout 5 setsid "$TOLLGATE" "$@" </dev/null >"$E2E_TMP/.out" 2>"$E2E_TMP/.err"
  CODE=$?
  OUT=$(cat "$E2E_TMP/.out")
  ERR=$(cat "$E2E_TMP/.err")
  [ "$CODE" != 124 ] || fail "tollgate $*: still waiting for a passphrase after 5 s"
}
no_tty -C "$repo" approve --key "$CAROL"
expect_code 3 "approve with a locked key and no terminal"
expect_err "key $CAROL needs its passphrase.*unlock it in gpg-agent" "names the key and how to unlock it"
no_tty -C "$repo" promote --key "$CAROL"
expect_code 3 "promote with a locked key and no terminal"
expect_err "promotion refused: key $CAROL needs its passphrase" "promote names the key"
[ -z "$(git -C "$repo" tag -l)" ] || fail "no tag from a promotion that could not sign"

# Control: unlocked in gpg-agent beforehand, as the message says, the same approval works.
echo allow-preset-passphrase >"$GNUPGHOME/gpg-agent.conf"
gpgconf --kill gpg-agent
grip=$(gpg --batch --with-colons --with-keygrip -K "$CAROL" | awk -F: '$1=="grp"{print $10; exit}')
gpg-connect-agent /bye >/dev/null 2>&1
/usr/lib/gnupg/gpg-preset-passphrase --preset -P 'open sesame' "$grip" || fail "could not preset the passphrase"
no_tty -C "$repo" approve --key "$CAROL"
expect_code 0 "control: the unlocked key signs without a terminal"

# --- libgit2 ------------------------------------------------------------------------------------
# Loaded on first use (src/git/libgit2.hpp): a command that never opens a repository never loads it,
# and one that does, without a loadable libgit2, is an environment error, not a crash.
ldd "$TOLLGATE" | grep -q 'libgit2' && fail "tollgate links libgit2 at start: $(ldd "$TOLLGATE" | grep libgit2)"
LD_DEBUG=files "$TOLLGATE" --version >/dev/null 2>"$E2E_TMP/ld.log"
grep -q 'file=libgit2' "$E2E_TMP/ld.log" && fail "--version loaded libgit2"
LD_DEBUG=files "$TOLLGATE" -C "$repo" approvals >/dev/null 2>"$E2E_TMP/ld.log"
grep -q 'file=libgit2' "$E2E_TMP/ld.log" || fail "control: approvals did not load libgit2 (LD_DEBUG shows no loading?)"
broken="$E2E_TMP/broken-libs"
mkdir -p "$broken"
soname=$(LD_DEBUG=files "$TOLLGATE" -C "$repo" approvals 2>&1 >/dev/null | sed -n 's/.*file=\(libgit2[^ ]*\).*/\1/p' | head -n 1)
[ -n "$soname" ] || fail "no libgit2 soname in LD_DEBUG's output"
printf 'not a library\n' >"$broken/$soname"
LD_LIBRARY_PATH="$broken" tg -C "$repo" approvals
expect_code 3 "an unloadable libgit2: an environment error"
expect_err "^tollgate: error: cannot load libgit2 .*install the libgit2 tollgate was built with \($soname\)" \
  "says libgit2 cannot be loaded and what to install"
LD_LIBRARY_PATH="$broken" tg --version
expect_code 0 "control: --version needs no libgit2"
mkdir -p "$E2E_TMP/rego"
printf 'package probe\n\nallow := input.x == 1\n' >"$E2E_TMP/rego/probe.rego"
printf '{"x": 1}\n' >"$E2E_TMP/rego/input.json"
LD_LIBRARY_PATH="$broken" tg policy eval -d "$E2E_TMP/rego" -i "$E2E_TMP/rego/input.json" 'data.probe.allow'
expect_code 0 "control: policy eval needs no libgit2"
expect_out '"value": true' "and evaluates"

finish
