# `tollgate init`: writes a commented tollgate.yaml adapted to what the repository has; never
# overwrites without --force; what it writes loads and runs.
source "$(dirname "$0")/lib.bash"

# A bare repository: the checks it cannot find are commented out.
bare="$E2E_TMP/bare"
new_repo "$bare"
tg -C "$bare" init
expect_code 0 "init in an empty repository"
expect_out 'wrote tollgate.yaml' "says what it wrote"
expect_out 'pre-commit check is commented out' "explains the missing pre-commit config"
grep -q '^  # - pytest:' "$bare/tollgate.yaml" || fail "pytest commented out when there is no suite"
grep -q 'changelog: CHANGELOG.md' "$bare/tollgate.yaml" || fail "default changelog path"

# A project with everything: docs/CHANGELOG.md, pre-commit, tests, check_env.py, .env.
proj="$E2E_TMP/proj"
new_repo "$proj"
mkdir -p "$proj/docs" "$proj/tests"
echo "# Changelog" >"$proj/docs/CHANGELOG.md"
printf 'repos: []\n' >"$proj/.pre-commit-config.yaml"
printf 'def test_ok():\n    assert True\n' >"$proj/tests/test_ok.py"
printf 'print("ok")\n' >"$proj/check_env.py"
printf 'SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=2048\n' >"$proj/.env"
tg -C "$proj" init
expect_code 0 "init in a full project"
expect_out 'checks: pre-commit, env \(check_env.py\), pytest, sandbox-limits' "lists the checks"
cfg="$proj/tollgate.yaml"
grep -q 'changelog: docs/CHANGELOG.md' "$cfg" || fail "found docs/CHANGELOG.md"
grep -q '^  - pre-commit:' "$cfg" || fail "pre-commit enabled"
grep -q '^  - pytest:' "$cfg" || fail "pytest enabled"
grep -q 'run: python3 check_env.py' "$cfg" || fail "check_env.py wired in"
grep -q 'sources: \[.env\]' "$cfg" || fail ".env as the limits source"
grep -q '^#' "$cfg" || fail "the file is commented"
grep -q '{{tag}}' "$cfg" || fail "the rollback example keeps its placeholder"

# Never overwrite without --force; nothing changes on refusal.
echo "# mine" >>"$cfg"
before=$(sha256sum "$cfg")
tg -C "$proj" init
expect_code 2 "init refuses to overwrite"
expect_err 'tollgate.yaml exists; use --force' "says how to overwrite"
[ "$(sha256sum "$cfg")" = "$before" ] || fail "refused init changed the file"
tg -C "$proj" init --force
expect_code 0 "init --force"
grep -q '# mine' "$cfg" && fail "--force did not rewrite the file"

# What init wrote is valid: doctor accepts it, check runs it.
tg -C "$proj" doctor
expect_out 'config .*valid, 4 checks' "doctor validates the generated config"
tg -C "$proj" --json init --force
expect_code 0 "init --json"
[ "$(json_get 'd["changelog"]')" = docs/CHANGELOG.md ] || fail "init --json names the changelog"

finish
