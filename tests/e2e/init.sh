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
expect_out 'checks: pre-commit, env \(check_env.py\), pytest, sandbox-limits, approvals' "lists the checks"
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
expect_out 'config .*valid, 5 checks' "doctor validates the generated config"
expect_out 'maintainers .*MAINTAINERS.yaml:.*non-empty list' "doctor asks for maintainers in the example"
tg -C "$proj" --json init --force
expect_code 0 "init --json"
[ "$(json_get 'd["changelog"]')" = docs/CHANGELOG.md ] || fail "init --json names the changelog"

# MAINTAINERS.yaml: an example without a key here; this machine's key (exported) with one; never
# overwritten. The repository identity comes from origin.
grep -q '^  # - name: Ada Lovelace' "$proj/MAINTAINERS.yaml" || fail "the example MAINTAINERS.yaml"
export GNUPGHOME="$E2E_TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key 'Maya Maintainer <maya@example.com>' ed25519 sign never 2>/dev/null
maya=$(gpg --batch --with-colons --list-keys maya@example.com 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}')
keyed="$E2E_TMP/keyed"
new_repo "$keyed"
git -C "$keyed" remote add origin https://GitHub.com/example/keyed.git
tg -C "$keyed" init --ci github
expect_code 0 "init with a signing key and --ci github"
expect_out "MAINTAINERS.yaml: Maya Maintainer <maya@example.com>" "names the maintainer it wrote"
grep -q "keys: \[$maya\]" "$keyed/MAINTAINERS.yaml" || fail "MAINTAINERS.yaml lists the key"
grep -q "BEGIN PGP PUBLIC KEY BLOCK" "$keyed/.tollgate/keys/maya.asc" || fail "the public key is exported"
grep -q 'repository: "github.com/example/keyed"' "$keyed/tollgate.yaml" || fail "repository from origin"
grep -q "tollgate gate" "$keyed/.github/workflows/tollgate-gate.yml" || fail "the GitHub workflow"
grep -q "refs/tollgate/\*:refs/tollgate/\*" "$keyed/.github/workflows/tollgate-gate.yml" || fail "it fetches approvals"
tg -C "$keyed" doctor
expect_out "maintainers .*1 maintainer, 1 key, each in .tollgate/keys/" "doctor checks the key files"
rm "$keyed/.tollgate/keys/maya.asc"
tg -C "$keyed" doctor
expect_out "maintainers .*no public key in .tollgate/keys/ for Maya Maintainer \($maya\)" "doctor names a missing key file"
echo "# hand-edited" >>"$keyed/MAINTAINERS.yaml"
tg -C "$keyed" init --force --ci gitlab
expect_code 0 "init --force --ci gitlab"
grep -q "# hand-edited" "$keyed/MAINTAINERS.yaml" || fail "MAINTAINERS.yaml is never overwritten"
grep -q "tollgate gate" "$keyed/.gitlab-ci.yml" || fail "the GitLab job"
tg -C "$keyed" init --force --ci jenkins
expect_code 2 "an unknown CI system"

finish
