#!/usr/bin/env bash
# `tollgate completion bash|zsh|fish`, tried as a user would: an interactive shell on a
# pseudo-terminal (shell_session.py) loads the script, then TAB completes subcommands, check ids
# from tollgate.yaml and release tags. A wrapper named `tollgate` echoes the arguments a completed
# line ran with (`ARGS: ...`) and passes the completion calls to the real binary.
source "$(dirname "$0")/lib.bash"
here=$(cd "$(dirname "$0")" && pwd)

bin="$E2E_TMP/bin"
mkdir -p "$bin"
cat >"$bin/tollgate" <<SH
#!/bin/sh
case "\$1" in
  __complete | completion) exec "$TOLLGATE" "\$@" ;;
esac
echo "ARGS: \$*"
SH
chmod +x "$bin/tollgate"
export PATH="$bin:$PATH"

repo="$E2E_TMP/repo"
new_repo "$repo"
write_config "$repo" <<'YAML'
checks:
  - command: {id: unit-tests, run: "true"}
  - command: {id: lint, run: "true"}
YAML
git -C "$repo" tag v0.1.0
git -C "$repo" tag v0.2.0-rc.1
git -C "$repo" tag not-a-release
cd "$repo" || exit 1

# The script for each shell, from the parser's own tables; another shell is a usage error.
for shell in bash zsh fish; do
  tg completion "$shell"
  expect_code 0 "completion $shell"
  for word in promote rollback verify changelog doctor completion "--only" "--sarif" "--quiet" "--color"; do
    [ "$shell" = fish ] && word=${word#--} # fish spells them `-l only`
    grep -qF -- "$word" <<<"$OUT" || fail "completion $shell lacks $word"
  done
done
tg completion tcsh
expect_code 2 "completion tcsh"
tg completion bash
grep -qE "'tollgate'\) subs='[^']*__complete" <<<"$OUT" && fail "the hidden __complete is offered as a command"

# The dynamic values the scripts ask for.
tg __complete checks
[ "$OUT" = $'unit-tests\nlint' ] || fail "__complete checks: $OUT"
tg __complete tags
grep -qx "v0.1.0" <<<"$OUT" && grep -qx "v0.2.0-rc.1" <<<"$OUT" && grep -qx "stable" <<<"$OUT" ||
  fail "__complete tags: $OUT"
grep -qx "not-a-release" <<<"$OUT" && fail "__complete tags offers a tag that is no release"
tg -C "$E2E_TMP" __complete checks
expect_code 0 "__complete outside a repository prints nothing, quietly"
[ -z "$OUT$ERR" ] || fail "__complete outside a repository: $OUT $ERR"

session() { # session SHELL KEYS: the ARGS line the completed command printed
  local shell=$1 keys=$2 argv setup
  case "$shell" in
    bash)
      argv='["bash", "--norc", "--noprofile", "-i"]'
      setup='["PS1=\"$ \"", "source /usr/share/bash-completion/bash_completion", "source <(tollgate completion bash)"]'
      ;;
    zsh)
      argv='["zsh", "-f", "-i"]'
      setup='["autoload -U compinit && compinit -u -D", "source <(tollgate completion zsh)"]'
      ;;
    fish)
      argv='["fish", "--no-config", "-i"]'
      setup='["tollgate completion fish | source"]'
      ;;
  esac
  OUT=$(TERM=xterm /usr/bin/python3 "$here/shell_session.py" "$argv" "$setup" "$keys" 2>"$E2E_TMP/session.err")
  [ -n "$OUT" ] || OUT="(nothing; the session showed: $(tail -c 600 "$E2E_TMP/session.err"))"
}

for shell in bash zsh fish; do
  if ! command -v "$shell" >/dev/null || { [ "$shell" = bash ] && [ ! -f /usr/share/bash-completion/bash_completion ]; }; then
    fail "$shell (with its completion system) is not installed: scripts/install-deps.sh installs it"
    continue
  fi
  session "$shell" $'tollgate pro\tx\r'
  [ "$OUT" = "ARGS: promote x" ] || fail "$shell: tollgate pro<TAB> gave $OUT"
  session "$shell" $'tollgate pol\te\t\'data\'\r'
  [ "$OUT" = "ARGS: policy eval data" ] || fail "$shell: tollgate pol<TAB>e<TAB> gave $OUT"
  session "$shell" $'tollgate check --only un\t\r'
  [ "$OUT" = "ARGS: check --only unit-tests" ] || fail "$shell: check --only un<TAB> gave $OUT"
  session "$shell" $'tollgate verify v0.1\t\r'
  [ "$OUT" = "ARGS: verify v0.1.0" ] || fail "$shell: verify v0.1<TAB> gave $OUT"
  session "$shell" $'tollgate rollback --demote --to v0.2\t\r'
  [ "$OUT" = "ARGS: rollback --demote --to v0.2.0-rc.1" ] || fail "$shell: rollback --to v0.2<TAB> gave $OUT"
  session "$shell" $'tollgate --color alw\tcheck\r'
  [ "$OUT" = "ARGS: --color always check" ] || fail "$shell: --color alw<TAB> gave $OUT"
  session "$shell" $'tollgate check --sk\tlint\r'
  [ "$OUT" = "ARGS: check --skip lint" ] || fail "$shell: check --sk<TAB> gave $OUT"
done

finish
