# `tollgate policy test`: what `opa test` does. Discovery of test_* rules in any file and package,
# duplicate names as test_x#01, todo_test_ skipped, data files by path, --run, --verbose (print
# output), --format json, --coverage, --bench, --timeout, and OPA's exit codes (2 when a test does
# not pass, 1 when the policies do not compile, every error with its location); the shipped
# policies pass their own tests.
source "$(dirname "$0")/lib.bash"

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
tg policy test "$repo_root/policies"
expect_code 0 "the shipped policies pass their tests"
expect_out '^PASS: [0-9]+/[0-9]+$' "summary line"
expect_no_out 'FAIL' "nothing fails"

tg policy test -v "$repo_root/policies"
expect_out 'data\.codegen\.test_example_domain_is_blocked: PASS \([0-9.]+(ns|µs|ms|s)\)' "--verbose lists each test"

dir="$E2E_TMP/t"
mkdir -p "$dir/sub"
cat >"$dir/rules.rego" <<'REGO'
package rules
import rego.v1
allow if input.role == "admin"
limit := data.sub.limits.max
REGO
cat >"$dir/sub/limits.yaml" <<'YAML'
limits:
  max: 3
YAML
cat >"$dir/checks.rego" <<'REGO'
package other.place
import rego.v1
test_data_from_yaml if data.rules.limit == 3
REGO
cat >"$dir/rules_test.rego" <<'REGO'
package rules
import rego.v1
test_admin_allowed if allow with input as {"role": "admin"}
test_guest_allowed if {
  print("role is", input.role)
  allow with input as {"role": "guest"}
}
test_errors if 1 / 0 == 1
test_twice if true
test_twice if false
todo_test_later if false
helper := true
REGO
tg policy test "$dir"
expect_code 2 "a failing test exits 2, as opa test"
expect_out '^PASS: 3/7$' "passed count"
expect_out '^FAIL: 3/7$' "failed count (an undefined test fails)"
expect_out '^SKIPPED: 1/7$' "todo_test_ skipped"
expect_out 'data\.rules\.test_guest_allowed: FAIL' "failing test listed"
expect_out 'data\.rules\.test_twice#01: FAIL' "a second definition runs as test_x#01"
expect_no_out 'data\.rules\.test_admin_allowed' "passing tests only with --verbose"
expect_no_out 'helper' "only test_ rules run"
expect_out '^  role is <undefined>$' "print output of a failing test"

tg policy test --run 'test_(admin|data)' "$dir"
expect_code 0 "--run selects tests by data.pkg.name"
expect_out '^PASS: 2/2$' "two selected, in any package"

tg policy test -z --run 'admin|todo' "$dir"
expect_code 0 "--exit-zero-on-skipped"
tg policy test --run 'admin|todo' "$dir"
expect_code 2 "a skipped test exits 2 otherwise"

tg policy test --format json "$dir"
expect_code 2 "--format json keeps the exit code"
[ "$(json_get 'len(d)')" = "7" ] || fail "json results: $OUT"
[ "$(json_get '[t["name"] for t in d if t.get("fail")]')" = "['test_guest_allowed', 'test_errors', 'test_twice#01']" ] ||
  fail "json failures: $OUT"
[ "$(json_get '[t["package"] for t in d][0]')" = "data.other.place" ] || fail "files in name order: $OUT"
[ "$(json_get '[t for t in d if t["name"] == "todo_test_later"][0]["skip"]')" = "True" ] || fail "json skip: $OUT"
[ "$(json_get '__import__("base64").b64decode([t for t in d if t["name"] == "test_guest_allowed"][0]["output"]).decode()')" = "role is <undefined>" ] ||
  fail "json output (base64, as Go encodes bytes): $OUT"
[ "$(json_get 'd[1]["location"]["row"]')" = "3" ] || fail "json location: $OUT"

tg policy test --coverage --run 'admin|yaml' "$dir"
expect_code 0 "--coverage"
[ "$(json_get 'd["files"]["'"$dir"'/rules.rego"]["covered"][0]["start"]["row"]')" = "3" ] || fail "covered rows: $OUT"
[ "$(json_get '"coverage" in d and "covered_lines" in d and "not_covered_lines" in d')" = "True" ] ||
  fail "coverage totals: $OUT"
tg policy test --coverage --threshold 100 --run 'admin|yaml' "$dir"
expect_code 2 "--threshold not met"
expect_err 'Code coverage threshold not met' "threshold message"

tg policy test --bench --run admin "$dir"
expect_code 0 "--bench"
expect_out $'^data\\.rules\\.test_admin_allowed\t +[0-9]+\t +[0-9.]+ ns/op$' "iterations and ns/op"

cat >"$dir/slow_test.rego" <<'REGO'
package slow
test_slow { r := numbers.range(1, 5000); count([1 | r[_]; r[_]]) > 0 }
REGO
tg policy test --timeout 200ms --run slow "$dir"
expect_code 2 "--timeout stops a test"
expect_out 'data\.slow\.test_slow: ERROR' "a timed-out test errors"
expect_out 'eval_cancel_error' "names the cancellation"
rm "$dir/slow_test.rego"

mkdir -p "$dir/bundle/x"
echo '{"v": 1}' >"$dir/bundle/x/data.json"
echo '{"v": 2}' >"$dir/bundle/x/other.json"
printf 'package b\ntest_bundle_data { data.x.v == 1 }\n' >"$dir/bundle/b_test.rego"
tg policy test --bundle "$dir/bundle"
expect_code 0 "--bundle: only data.json files are data"

printf 'package bad\ntest_x { \n' >"$dir/bad_test.rego"
printf 'package bad2\np { x }\nq { y }\n' >"$dir/bad2.rego"
tg policy test "$dir"
expect_code 1 "a module that does not compile exits 1, as opa test"
expect_err 'bad_test\.rego:3: rego_parse_error' "the parse error with its location"
rm "$dir/bad_test.rego"
tg policy test "$dir"
expect_code 1 "unsafe variables"
expect_err '^2 errors occurred:' "every compile error is reported"
expect_err 'bad2\.rego:2: rego_unsafe_var_error: var x is unsafe' "first, with its location"
expect_err 'bad2\.rego:3: rego_unsafe_var_error: var y is unsafe' "second, with its location"

finish
