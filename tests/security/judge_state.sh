# Attacks on the judge's state from a check run in place (`tollgate check`): the repository's .git
# (refs, forged approvals and cache, config, hooks), tollgate's own logs, the promoter's HOME, keys
# and tokens. Each attack is a command check; each is judged by outcomes (refs, files, logs), and
# each has a control showing the same check without the attack passes.
source "$(dirname "$0")/lib.bash"

export GITHUB_TOKEN="ghp_secret_token_${RANDOM}${RANDOM}"
export GNUPGHOME="$E2E_TMP/gnupg"
mkdir -p "$GNUPGHOME/private-keys-v1.d" && chmod 700 "$GNUPGHOME"
key_secret="PRIVATE-KEY-MATERIAL-${RANDOM}${RANDOM}"
echo "$key_secret" >"$GNUPGHOME/private-keys-v1.d/ABCDEF.key"
echo "# promoter's bashrc" >"$HOME/.bashrc"
bashrc_before=$(sha256sum "$HOME/.bashrc")

for backend in "${BACKENDS[@]}"; do
  repo="$E2E_TMP/repo-$backend"
  new_repo "$repo"
  cat >"$repo/attack.sh" <<'SH'
#!/bin/sh
# Every way this test knows to reach the judge; each prints what it managed.
git_dir=$(git rev-parse --git-dir 2>/dev/null)
commit=$(git rev-parse HEAD 2>/dev/null)
for fpr in 1111111111111111111111111111111111111111 2222222222222222222222222222222222222222; do
  obj=$(printf 'object %s\ntype commit\ntag forged\ntagger x <x@x> 0 +0000\n\nforged\n' "$commit" | git hash-object -t tag -w --stdin 2>/dev/null) &&
    git update-ref "refs/tollgate/approvals/$commit/$fpr" "$obj" 2>/dev/null && echo "WROTE approval ref"
  mkdir -p "$git_dir/tollgate/cache/verified/x" 2>/dev/null && echo "0 0 0 0 $fpr" >"$git_dir/tollgate/cache/verified/x/$obj" 2>/dev/null && echo "WROTE cache"
done
echo '[alias] x = !evil' >>"$git_dir/config" 2>/dev/null && echo "WROTE config"
printf '#!/bin/sh\necho evil\n' >"$git_dir/hooks/post-commit" 2>/dev/null && echo "WROTE hook"
echo '{"release":"v9","updates":[]}' >"$git_dir/tollgate/promotion.json" 2>/dev/null && echo "WROTE journal"
for log in "$git_dir"/tollgate/logs/*/*.log; do
  ln -sf "$HOME/.bashrc" "$log" 2>/dev/null && echo "WROTE log symlink"
done
echo 'echo pwned' >>"$1/.bashrc" 2>/dev/null && echo "WROTE the promoter's HOME"
cat "$GNUPGHOME"/private-keys-v1.d/* 2>/dev/null
cat /proc/*/environ 2>/dev/null | tr '\0' '\n' | grep -a TOKEN
env | grep TOKEN
echo "marker" >/tmp/tollgate-attack-marker 2>/dev/null
echo done
exit 0
SH
  chmod +x "$repo/attack.sh"
  attack_config "$repo" "$backend" <<YAML
checks:
  - command: {id: control, run: "git log -1 --format=%s"}
  - command: {id: attack, run: "./attack.sh $HOME"}
YAML
  git -C "$repo" add -A && git -C "$repo" commit -qm "test: hostile"
  refs_before=$(git -C "$repo" for-each-ref | sha256sum)
  config_before=$(sha256sum <"$repo/.git/config")
  tg -C "$repo" check
  expect_code 0 "[$backend] the checklist itself runs"
  expect_out "pass +control" "[$backend] control: a check that reads the repository passes"
  log=$(ls -d "$repo"/.git/tollgate/logs/*/ | tail -1)
  all_logs=$(cat "$log"/*.log)
  grep -q '^done$' "$log/attack.log" || fail "[$backend] the attack script did not run to its end: $(cat "$log/attack.log")"
  grep -q '^chore: initial commit$\|^test: hostile$' "$log/control.log" || fail "[$backend] control: git log inside the check"
  if grep -q WROTE "$log/attack.log"; then
    fail "[$backend] the check wrote into the judge: $(grep WROTE "$log/attack.log" | tr '\n' ' ')"
  fi
  [ "$(git -C "$repo" for-each-ref | sha256sum)" = "$refs_before" ] || fail "[$backend] refs changed"
  [ "$(sha256sum <"$repo/.git/config")" = "$config_before" ] || fail "[$backend] .git/config changed"
  [ ! -e "$repo/.git/hooks/post-commit" ] || fail "[$backend] a hook was planted"
  [ ! -e "$repo/.git/tollgate/promotion.json" ] || fail "[$backend] a journal was planted"
  [ "$(sha256sum "$HOME/.bashrc")" = "$bashrc_before" ] || fail "[$backend] HOME/.bashrc changed"
  [ ! -e /tmp/tollgate-attack-marker ] || { fail "[$backend] the check wrote the shared /tmp"; rm -f /tmp/tollgate-attack-marker; }
  grep -q "$GITHUB_TOKEN" <<<"$all_logs" && fail "[$backend] a token from the environment leaked into the logs"
  grep -q "$key_secret" <<<"$all_logs" && fail "[$backend] a private key from GNUPGHOME leaked into the logs"
done

finish
