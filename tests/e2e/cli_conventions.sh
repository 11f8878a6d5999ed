#!/usr/bin/env bash
# The conventions every command shares: -q/-v/--color (NO_COLOR, FORCE_COLOR) listed in each
# --help, --json --version, validated numbers and paths, GitHub annotations with a location, SARIF.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: fine, run: "true"}
  - command: {id: broken, run: "sh -c 'echo oops; exit 2'"}
YAML
cd "$repo" || exit 1

# Every command's --help lists the global options, nested ones included.
for command in init check sandbox approve approvals gate promote rollback history verify changelog doctor \
  completion "policy eval" "policy test"; do
  # shellcheck disable=SC2086 # `policy eval` is two words
  tg $command --help
  expect_code 0 "$command --help"
  for option in "-q,--quiet" "-v,--verbose" "--color WHEN" "-C DIR" "--json"; do
    grep -qF -- "$option" <<<"$OUT" || fail "$command --help does not list $option"$'\n'"$OUT"
  done
done

# --version, and with --json the build's facts.
tg --version
expect_code 0 "--version"
expect_out '^tollgate [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
tg --json --version
expect_code 0 "--json --version"
[ "$(json_get 'sorted(d.keys())')" = "['commit', 'gpgme', 'libgit2', 'version']" ] || fail "--json --version keys: $OUT"
json_get 'd["version"]' | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || fail "version: $OUT"
json_get 'd["commit"]' | grep -Eq '^([0-9a-f]{40}|unknown)$' || fail "commit: $OUT"
json_get 'd["libgit2"]' | grep -Eq '^[0-9]+\.[0-9]+' || fail "libgit2: $OUT"
json_get 'd["gpgme"]' | grep -Eq '^[0-9]+\.[0-9]+' || fail "gpgme: $OUT"

# Numbers and paths are validated before anything runs: usage errors, exit 2.
tg history -n -1
expect_code 2 "history -n -1"
tg history -n 0
expect_code 2 "history -n 0"
tg history -n many
expect_code 2 "history -n many"
tg history -n 1
expect_code 0 "control: history -n 1"
tg -C "$E2E_TMP/nowhere" check
expect_code 2 "-C a directory that does not exist"
expect_err "nowhere" "the error names the directory"
tg policy eval -i "$E2E_TMP/missing.json" 'input'
expect_code 2 "policy eval -i a missing file"
tg policy eval -d "$E2E_TMP/missing" 'data'
expect_code 2 "policy eval -d a missing path"
tg --color=sometimes check
expect_code 2 "--color takes auto, always or never"

# Colour: --color decides; under auto NO_COLOR turns it off and FORCE_COLOR on, even in a pipe.
has_escape() { grep -q $'\x1b\[' <<<"$OUT"; }
tg --color=always check --keep-going
has_escape || fail "--color=always (NO_COLOR set) prints no colour"
unset NO_COLOR
tg check --keep-going
has_escape && fail "auto in a pipe prints colour"
FORCE_COLOR=1 tg check --keep-going
has_escape || fail "FORCE_COLOR=1 prints no colour"
FORCE_COLOR=0 tg check --keep-going
has_escape && fail "FORCE_COLOR=0 prints colour"
NO_COLOR=1 FORCE_COLOR=1 tg check --keep-going
has_escape && fail "NO_COLOR loses to FORCE_COLOR"
FORCE_COLOR=1 tg --color=never check --keep-going
has_escape && fail "--color=never loses to FORCE_COLOR"
FORCE_COLOR=1 tg --no-color check --keep-going
has_escape && fail "--no-color loses to FORCE_COLOR"
tg --color always check --keep-going
has_escape || fail "--color always (a separate value) prints no colour"
export NO_COLOR=1

# -q: only what failed (and the verdict); -v: every check's log too.
tg -q check --keep-going
expect_code 1 "-q check still fails"
expect_out "broken" "-q keeps the failure"
expect_out "oops" "-q keeps the failure's log"
expect_no_out "fine" "-q drops the passing check"
tg check --keep-going
expect_out "fine" "control: without -q the passing check is listed"
expect_no_out "log: .*fine" "control: without -v no log for a passing check"
tg check --keep-going -v
expect_out "log: .*fine" "-v shows a passing check's log"
tg -vv check --keep-going
expect_code 1 "-vv is accepted"
tg -q history
expect_code 0 "-q history"
[ -z "$OUT" ] || fail "-q history still prints: $OUT"
tg -q --json history
expect_out '"events"' "-q keeps --json's document"

# GitHub Actions: an error that names a place becomes an annotation there.
cat >tollgate.yaml <<'YAML'
checks:
  - command: {id: fine, run: "true"}
  - command: {id: fine, run: "true"}
YAML
GITHUB_ACTIONS=true tg check
expect_code 2 "a duplicate id is a configuration error"
expect_err '^::error file=tollgate\.yaml,line=3,col=[0-9]+::' "the annotation carries file, line and column"
tg check
expect_code 2 "control: the same error outside GitHub Actions"
grep -q '::error' <<<"$ERR" && fail "an annotation outside GitHub Actions"
GITHUB_ACTIONS=true tg -C "$E2E_TMP" check
expect_err '^::error::' "an error without a location is a plain annotation"

# --sarif: SARIF 2.1.0 with one result per check, the failure an error at its tollgate.yaml line.
cat >tollgate.yaml <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: fine, run: "true"}
  - command: {id: broken, run: "sh -c 'echo oops; exit 2'"}
YAML
tg check --keep-going --sarif "$E2E_TMP/report.sarif"
expect_code 1 "check --sarif with a failure"
OUT=$(cat "$E2E_TMP/report.sarif")
[ "$(json_get 'd["version"]')" = "2.1.0" ] || fail "SARIF version: $OUT"
[ "$(json_get 'd["runs"][0]["tool"]["driver"]["name"]')" = "tollgate" ] || fail "SARIF driver"
[ "$(json_get '[(r["ruleId"], r["kind"], r["level"]) for r in d["runs"][0]["results"]]')" = \
  "[('fine', 'pass', 'none'), ('broken', 'fail', 'error')]" ] || fail "SARIF results: $OUT"
loc='d["runs"][0]["results"][1]["locations"][0]["physicalLocation"]'
[ "$(json_get "${loc}[\"artifactLocation\"][\"uri\"]")" = "tollgate.yaml" ] || fail "SARIF uri: $OUT"
[ "$(json_get "${loc}[\"region\"][\"startLine\"]")" = "4" ] || fail "SARIF line: $OUT"
json_get 'd["runs"][0]["results"][1]["message"]["text"]' | grep -q "exit 2" || fail "SARIF message: $OUT"
tg check --sarif "$E2E_TMP/no/such/dir/report.sarif"
expect_code 2 "--sarif into a missing directory"

finish
