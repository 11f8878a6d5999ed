# `tollgate policy test`: PASS/FAIL per test rule like `opa test -v`, exit 1 on any failure; and the
# shipped policies pass their own tests.
source "$(dirname "$0")/lib.bash"

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
tg policy test "$repo_root/policies"
expect_code 0 "the shipped policies pass their tests"
expect_out 'data\.codegen\.test_example_domain_is_blocked: PASS' "lists each test"
expect_out '^[0-9]+ passed, 0 failed$' "closing line"

dir="$E2E_TMP/t"
mkdir -p "$dir"
cat >"$dir/rules.rego" <<'REGO'
package rules
import rego.v1
allow if input.role == "admin"
REGO
cat >"$dir/rules_test.rego" <<'REGO'
package rules
import rego.v1
test_admin_allowed if allow with input as {"role": "admin"}
test_guest_allowed if allow with input as {"role": "guest"}
test_errors if 1 / 0 == 1
helper := true
REGO
tg policy test "$dir"
expect_code 1 "a failing test fails the command"
expect_out 'data\.rules\.test_admin_allowed: PASS' "passing test"
expect_out 'data\.rules\.test_guest_allowed: FAIL' "failing test"
expect_out 'data\.rules\.test_errors: FAIL' "undefined test fails"
expect_no_out 'helper' "only test_ rules run"
expect_out '^1 passed, 2 failed$' "counts"

tg --json policy test "$dir"
expect_code 1 "--json keeps the exit code"
[ "$(json_get 'd["passed"]')" = "1" ] || fail "json passed: $OUT"
[ "$(json_get 'len(d["tests"])')" = "3" ] || fail "json tests: $OUT"

printf 'package bad\ntest_x { \n' >"$dir/bad_test.rego"
tg policy test "$dir"
expect_code 2 "a parse error exits 2"
expect_err 'bad_test\.rego:3:1' "names the place"

finish
