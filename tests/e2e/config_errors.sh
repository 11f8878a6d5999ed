# Malformed tollgate.yaml: each is a one-line error `tollgate.yaml:LINE:COL: ...`, exit code 2,
# for `check` and `doctor` alike, and never a crash.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"

# case NAME EXPECTED-LOCATION EXPECTED-MESSAGE-REGEX <<YAML
case_() {
  local name=$1 location=$2 message=$3
  cat >"$repo/tollgate.yaml"
  tg -C "$repo" check
  expect_code 2 "$name"
  expect_err "^tollgate: error: tollgate\\.yaml:$location: $message" "$name"
  local lines
  lines=$(printf '%s\n' "$ERR" | wc -l)
  [ "$lines" -eq 1 ] || fail "$name: error is not one line: $ERR"
}

case_ "unknown top-level key" 1:1 'unknown key `chekcs` in the configuration, did you mean `checks`\?' <<'YAML'
chekcs: []
YAML

case_ "misspelt check option" 3:26 'unknown key `timout` in check `pytest`, did you mean `timeout`\?' <<'YAML'
version: 1
checks:
  - pytest: {args: [-q], timout: 60}
YAML

case_ "negative timeout" 2:23 '`timeout` must be a positive number of seconds, not -5' <<'YAML'
checks:
  - pytest: {timeout: -5}
YAML

case_ "timeout of the wrong type" 2:23 '`timeout` must be a number' <<'YAML'
checks:
  - pytest: {timeout: [1, 2]}
YAML

case_ "unknown check kind" 2:5 'unknown check kind `pytset`, did you mean `pytest`\?' <<'YAML'
checks:
  - pytset: {}
YAML

case_ "duplicate check id" 3:19 'duplicate check id `lint`' <<'YAML'
checks:
  - command: {id: lint, run: "true"}
  - command: {id: lint, run: "false"}
YAML

case_ "wrong type for a section" 1:10 '`sandbox` must be a mapping, not a list' <<'YAML'
sandbox: [1, 2]
YAML

case_ "non-numeric cpu_sec" 2:12 '`cpu_sec` must be an integer, not `lots`' <<'YAML'
sandbox:
  cpu_sec: lots
YAML

case_ "bad network value" 2:12 '`network` must be `none` or `allow`, not `maybe`' <<'YAML'
sandbox:
  network: maybe
YAML

case_ "YAML syntax error" '[0-9]+:[0-9]+' '.+' <<'YAML'
checks:
  - pytest: {args: [-q}
YAML

case_ "unsupported version" 1:10 'unsupported `version`' <<'YAML'
version: 2
YAML

case_ "command without run" 2:5 'check `x` needs `run:`' <<'YAML'
checks:
  - command: {id: x}
YAML

case_ "checks not a list" 1:9 '`checks` must be a list' <<'YAML'
checks: {pytest: {}}
YAML

case_ "boolean expected" 2:30 '`allow_no_tests` must be true or false' <<'YAML'
checks:
  - pytest: {allow_no_tests: sometimes}
YAML

case_ "duplicate key" 3:3 'duplicate key `cpu_sec` in `sandbox`' <<'YAML'
sandbox:
  cpu_sec: 10
  cpu_sec: 20
YAML

case_ "option indented too little" 2:5 'each check is a mapping with one key' <<'YAML'
checks:
  - pytest:
    timeout: 60
YAML

case_ "unknown approvals bind" 2:9 '`bind` must be `commit` or `tree`' <<'YAML'
approvals:
  bind: branch
YAML

# The release rules of docs/changelog.md, one a line: name | location | message | YAML (`\n` a newline).
while IFS='|' read -r name location message yaml; do
  printf '%b\n' "$yaml" | case_ "$name" "$location" "$message"
done <<'TABLE'
prerelease_start out of range|2:21|`prerelease_start` must be between 0 and 1, not 2|release:\n  prerelease_start: 2
an empty hidden scope|2:16|`hide_scopes` holds an empty scope|release:\n  hide_scopes: [deps, ""]
a path outside the repository|2:10|`paths` holds `\.\./x`: want paths relative to the repository root|release:\n  paths: [../x]
unknown changelog preset|2:11|`preset` must be `conventional` \(semantic-release, release-please\) or `commitizen`, not `angular`|changelog:\n  preset: angular
changelog.bump not a mapping|2:9|`bump` must be a mapping of commit types to `major`, `minor`, `patch` or `none`|changelog:\n  bump: [feat]
an unknown bump|2:16|`bump.docs` must be `major`, `minor`, `patch` or `none`|changelog:\n  bump: {docs: big}
TABLE

# doctor reports the same error and exits 2.
printf 'checks:\n  - pytest: {timout: 1}\n' >"$repo/tollgate.yaml"
tg -C "$repo" doctor
expect_code 2 "doctor on a broken config"
expect_out 'tollgate\.yaml:2:14: unknown key `timout`' "doctor names the location"

# Binary garbage does not crash the loader.
head -c 4096 /dev/urandom >"$repo/tollgate.yaml"
tg -C "$repo" check
[ "$CODE" -eq 2 ] || fail "random bytes: expected exit 2, got $CODE ($ERR)"

finish
