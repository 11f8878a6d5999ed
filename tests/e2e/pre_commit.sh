# The pre-commit check runs real `pre-commit run --all-files` with local system hooks.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
cat >"$repo/.pre-commit-config.yaml" <<'YAML'
repos:
  - repo: local
    hooks:
      - id: no-tabs
        name: no tabs
        language: system
        entry: sh -c '! grep -n "	" "$@"' --
        files: \.py$
      - id: no-todo
        name: no TODO markers
        language: system
        entry: sh -c '! grep -n "TODO" "$@"' --
        files: \.py$
      - id: no-shell
        name: no shell scripts
        language: system
        entry: "false"
        files: \.sh$
YAML
printf 'x = 1\n' >"$repo/app.py"
write_config "$repo" <<'YAML'
sandbox: {network: none}
checks:
  - pre-commit: {timeout: 120}
YAML
git -C "$repo" add -A && git -C "$repo" commit -qm "feat: app"

tg -C "$repo" check
expect_code 0 "all hooks pass"
expect_out '^pass +pre-commit .*3 hooks: 2 passed, 0 failed, 1 skipped' "counts the hooks"

printf 'x = 1  # TODO remove\n' >"$repo/app.py"
git -C "$repo" commit -qam "chore: todo"
tg -C "$repo" check
expect_code 1 "a failing hook fails the check"
expect_out '^fail +pre-commit .*3 hooks: 1 passed, 1 failed, 1 skipped \(no TODO markers\)' "names the failed hook"
expect_out '│ 1:x = 1  # TODO remove' "shows the tail of the log"
expect_out 'log: .*\.git/tollgate/logs/.*/pre-commit\.log' "points at the log"

tg -C "$repo" --json check
expect_code 1 "json on failure"
[ "$(json_get 'd["checks"][0]["details"]["failed_hooks"]')" = "['no TODO markers']" ] || fail "json failed_hooks"
[ "$(json_get 'd["checks"][0]["sandbox"]["backend"]')" != none ] || fail "pre-commit ran without network isolation"

finish
