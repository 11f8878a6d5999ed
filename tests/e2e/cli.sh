# The command line: version, help, suggestions for typos, -C, and the exit-code contract.
source "$(dirname "$0")/lib.bash"

tg --version
expect_code 0 "--version"
expect_out '^tollgate [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

tg --help
expect_code 0 "--help"
for cmd in init check sandbox approve approvals gate promote rollback history verify changelog policy doctor; do
  expect_out "^  $cmd " "--help lists $cmd"
done

tg chek
expect_code 2 "unknown command"
expect_err 'unknown command `chek`, did you mean `check`\?' "suggests check"

tg frobnicate
expect_code 2 "unknown command without a near match"
expect_err 'commands: init, check, sandbox, approve, approvals, attestations, ci, gate, promote, rollback, history, verify, changelog, policy, doctor' "lists the commands"

tg check --kep-going
expect_code 2 "unknown option"
expect_err 'unknown option `--kep-going` for `tollgate check`, did you mean `--keep-going`\?' "suggests --keep-going"

tg check --jsn
expect_code 2 "misspelt global option"
expect_err 'did you mean `--json`' "suggests --json"

tg -C "$E2E_TMP/does-not-exist" check
expect_code 2 "-C to a missing directory"
expect_err '^tollgate: error: -C .*does-not-exist' "names the directory"

mkdir -p "$E2E_TMP/plain"
tg -C "$E2E_TMP/plain" check
expect_code 3 "outside a repository is an environment error"
expect_err 'not inside a git repository' "says why"

tg -C "$E2E_TMP/plain" --json check
expect_code 3 "--json error"
[ "$(json_get 'd["error"]["exit_code"]')" = 3 ] || fail "--json errors are a JSON document on stdout"

new_repo "$E2E_TMP/repo"
tg -C "$E2E_TMP/repo" check
expect_code 2 "no tollgate.yaml is a usage error"
expect_err 'no tollgate.yaml in .*run `tollgate init`' "points at init"

# Global options work after the subcommand too, and -C from a subdirectory finds the root.
mkdir -p "$E2E_TMP/repo/sub/dir"
write_config "$E2E_TMP/repo" <<'YAML'
checks:
  - command: {id: hello, run: echo hello}
sandbox: {network: allow}
YAML
tg -C "$E2E_TMP/repo/sub/dir" check --json
expect_code 0 "check from a subdirectory"
[ "$(json_get 'd["checks"][0]["status"]')" = pass ] || fail "json status of hello"

finish
