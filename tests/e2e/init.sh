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
# No secret key here: a MAINTAINERS.yaml that loads, with nobody listed, and what to do about it.
expect_out 'MAINTAINERS.yaml: nobody listed yet .*`gpg --quick-gen-key`, then run `tollgate init --force`' \
  "says how to list a maintainer"
grep -q '^maintainers: \[\]$' "$bare/MAINTAINERS.yaml" || fail "an empty maintainers list"
grep -q '^#  - name: Ada Lovelace' "$bare/MAINTAINERS.yaml" || fail "the example, commented out"
expect_err 'warning: MAINTAINERS.yaml lists 0 maintainers for approvals.required: 2 with exclude_author: no commit by a maintainer can ever be promoted .*, nor any other commit; list at least 3' \
  "warns that nobody can be promoted"
# It ends with the exact lines that commit what it wrote, and they work as printed.
[ "$(tail -n 2 <<<"$OUT")" = 'git add tollgate.yaml MAINTAINERS.yaml
git commit -m "chore: set up tollgate"' ] || fail "ends with the git lines: $(tail -n 3 <<<"$OUT")"
(cd "$bare" && eval "$(tail -n 2 <<<"$OUT")") >/dev/null || fail "the printed git lines run"
[ "$(git -C "$bare" show --name-only --format= HEAD | sort | tr '\n' ' ')" = "MAINTAINERS.yaml tollgate.yaml " ] ||
  fail "the commit holds what init wrote"
[ -z "$(git -C "$bare" status --porcelain)" ] || fail "nothing init wrote is left out of the commit"

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
expect_out 'maintainers .*MAINTAINERS.yaml lists no maintainers yet' "doctor asks for maintainers"
tg -C "$proj" --json init --force
expect_code 0 "init --json"
[ "$(json_get 'd["changelog"]')" = docs/CHANGELOG.md ] || fail "init --json names the changelog"
[ "$(json_get 'd["commit"][0]')" = "git add tollgate.yaml MAINTAINERS.yaml" ] || fail "init --json: the git lines"
[ "$(json_get 'len(d["warnings"])')" = 1 ] || fail "init --json: the warning"
# From another directory (-C), the git lines name the repository.
tg -C "$proj/docs" init --force
expect_code 0 "init from a subdirectory"
expect_out "^git -C \\.\\. add tollgate.yaml MAINTAINERS.yaml$" "git -C names the repository"

# MAINTAINERS.yaml: an example without a key here; this machine's key (exported) with one; never
# overwritten. The repository identity comes from origin.
grep -q '^#  - name: Ada Lovelace' "$proj/MAINTAINERS.yaml" || fail "the example MAINTAINERS.yaml"
export GNUPGHOME="$E2E_TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"
odd_home="$E2E_TMP/gnupg-odd"
mkdir -m 700 "$odd_home"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; gpgconf --homedir "$odd_home" --kill gpg-agent 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key 'Maya Maintainer <maya@example.com>' ed25519 sign never 2>/dev/null
maya=$(gpg --batch --with-colons --list-keys maya@example.com 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}')
keyed="$E2E_TMP/keyed"
new_repo "$keyed"
git -C "$keyed" remote add origin https://GitHub.com/example/keyed.git
tg -C "$keyed" init --ci github
expect_code 0 "init with a signing key and --ci github"
expect_out "MAINTAINERS.yaml: Maya Maintainer <maya@example.com>" "names the maintainer it wrote"
expect_out '^git add tollgate.yaml MAINTAINERS.yaml .tollgate/keys/maya.asc .github/workflows/tollgate-gate.yml$' \
  "git add lists every file it wrote"
expect_err "warning: MAINTAINERS.yaml lists 1 maintainer for approvals.required: 2 with exclude_author: no commit by a maintainer can ever be promoted \(its author's approval does not count\), nor any other commit; list at least 3" \
  "warns with one maintainer"
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
# An existing MAINTAINERS.yaml is kept without --force (and counted for the warning), rewritten with it.
fake_fpr() { printf '%040d' "$1"; }
cat >"$keyed/MAINTAINERS.yaml" <<YAML
# hand-edited
maintainers:
  - {name: Maya, email: maya@example.com, keys: [$maya]}
  - {name: Bob, email: bob@example.com, keys: [$(fake_fpr 2)]}
YAML
rm "$keyed/tollgate.yaml"
tg -C "$keyed" init --ci gitlab
expect_code 0 "init --ci gitlab with a MAINTAINERS.yaml"
expect_out "MAINTAINERS.yaml: exists, kept" "says it kept MAINTAINERS.yaml"
grep -q "# hand-edited" "$keyed/MAINTAINERS.yaml" || fail "MAINTAINERS.yaml is not overwritten without --force"
expect_out '^git add tollgate.yaml .gitlab-ci.yml$' "git add lists only what it wrote"
expect_err "lists 2 maintainers for approvals.required: 2 with exclude_author: no commit by a maintainer can ever be promoted \(its author's approval does not count\); list at least 3" \
  "warns with required maintainers but not one more"
grep -q "tollgate gate" "$keyed/.gitlab-ci.yml" || fail "the GitLab job"
echo "  - {name: Cy, email: cy@example.com, keys: [$(fake_fpr 3)]}" >>"$keyed/MAINTAINERS.yaml"
rm "$keyed/tollgate.yaml" "$keyed/.gitlab-ci.yml"
tg -C "$keyed" init --ci gitlab
expect_code 0 "init with three maintainers"
grep -q "can ever be promoted" <<<"$ERR" && fail "no count warning with required + 1 maintainers: $ERR"
expect_err "warning: MAINTAINERS.yaml:5:5: maintainer .Cy. lists key $(fake_fpr 3), which no file under .tollgate/keys/ holds" \
  "warns of a listed key without its file (what promote would refuse)"
echo "this: [is not" >"$keyed/MAINTAINERS.yaml"
rm "$keyed/tollgate.yaml" "$keyed/.gitlab-ci.yml"
tg -C "$keyed" init --ci gitlab
expect_code 0 "init keeps a broken MAINTAINERS.yaml"
expect_err "warning: the kept MAINTAINERS.yaml does not load: MAINTAINERS.yaml:" "says the kept file is broken"
tg -C "$keyed" init --force --ci gitlab
expect_code 0 "init --force --ci gitlab"
grep -q "keys: \[$maya\]" "$keyed/MAINTAINERS.yaml" || fail "--force rewrites MAINTAINERS.yaml"
rm "$keyed/.github/workflows/tollgate-gate.yml"
cfg_before=$(sha256sum "$keyed/tollgate.yaml")
tg -C "$keyed" init --ci github
expect_code 0 "init --ci in a configured repository"
expect_out "kept tollgate.yaml" "keeps the configuration"
[ "$(sha256sum "$keyed/tollgate.yaml")" = "$cfg_before" ] || fail "init --ci rewrote tollgate.yaml"
[ -f "$keyed/.github/workflows/tollgate-gate.yml" ] || fail "init --ci wrote the job"
expect_out '^git add .github/workflows/tollgate-gate.yml$' "git add lists only the job"
tg -C "$keyed" init --force --ci jenkins
expect_code 2 "an unknown CI system"

# A user id YAML would misread (a colon, a hash, quotes) is quoted: what init writes loads.
GNUPGHOME="$odd_home" gpg --batch --quiet --passphrase '' --quick-gen-key 'Ops: "Team" #1 <ops/x@example.com>' ed25519 sign never 2>/dev/null
odd="$E2E_TMP/odd"
new_repo "$odd"
GNUPGHOME="$odd_home" tg -C "$odd" init
expect_code 0 "init with an odd user id"
grep -q 'name: "Ops: \\"Team\\" #1"' "$odd/MAINTAINERS.yaml" || fail "the name is quoted: $(cat "$odd/MAINTAINERS.yaml")"
[ -f "$odd/.tollgate/keys/ops_x.asc" ] || fail "the key file name stays in .tollgate/keys: $(find "$odd/.tollgate")"
GNUPGHOME="$odd_home" tg -C "$odd" doctor
expect_out "maintainers .*1 maintainer, 1 key" "the quoted MAINTAINERS.yaml loads"

finish
