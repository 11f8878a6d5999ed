# `tollgate policy eval`: OPA's output shapes, undefined, errors with exit codes 2 and 1.
source "$(dirname "$0")/lib.bash"

dir="$E2E_TMP/p"
mkdir -p "$dir/policies/sub"
cat >"$dir/policies/codegen.rego" <<'REGO'
package codegen

deny[msg] {
  input.url == "api.example.com"
  msg := "example domain blocked"
}
REGO
cat >"$dir/policies/sub/limits.json" <<'JSON'
{"max": 3}
JSON
echo '{"url": "api.example.com"}' >"$dir/request.json"
cd "$dir" || exit 1

tg policy eval -i request.json data.codegen.deny
expect_code 0 "eval with the default -d policies"
[ "$(json_get 'd["result"][0]["expressions"][0]["value"]')" = "['example domain blocked']" ] ||
  fail "deny value: $OUT"
[ "$(json_get 'd["result"][0]["expressions"][0]["text"]')" = "data.codegen.deny" ] || fail "expression text: $OUT"

tg policy eval -d policies 'x := data.sub.max + 1'
expect_code 0 "JSON data under a folder lands at its path"
[ "$(json_get 'd["result"][0]["bindings"]["x"]')" = "4" ] || fail "bindings: $OUT"

tg policy eval -d policies 'data.codegen.nothing'
expect_code 0 "undefined is not an error"
[ "$OUT" = "{}" ] || fail "undefined prints {}: $OUT"

tg policy eval -d policies --format pretty -i request.json 'count(data.codegen.deny)'
expect_code 0 "pretty output"
[ "$OUT" = "1" ] || fail "pretty value: $OUT"

mkdir -p broken
printf 'package broken\n\np {\n  input.a ==\n}\n' >broken/x.rego
tg policy eval -d broken --format pretty data.broken.p
expect_code 2 "a parse error exits 2"
expect_err 'broken/x.rego:5:1: unexpected `\}`, expected a term' "parse error names file:line:col"
grep -q '^  \^$' <<<"$ERR" || fail "caret under the column: $ERR"

tg policy eval -d broken data.broken.p
expect_code 2 "a parse error in JSON exits 2"
[ "$(json_get 'd["errors"][0]["code"]')" = "rego_parse_error" ] || fail "error code: $OUT"
[ "$(json_get 'd["errors"][0]["location"]["row"]')" = "5" ] || fail "error row: $OUT"

mkdir -p unsafe
printf 'package u\np { x > 1 }\n' >unsafe/u.rego
tg policy eval -d unsafe data.u.p
expect_code 2 "unsafe variables are compile errors"
[ "$(json_get 'd["errors"][0]["code"]')" = "rego_unsafe_var_error" ] || fail "unsafe code: $OUT"

mkdir -p conflict
printf 'package c\np := 1\np := 2 { true }\n' >conflict/c.rego
tg policy eval -d conflict data.c.p
expect_code 1 "an evaluation error exits 1"
[ "$(json_get 'd["errors"][0]["code"]')" = "eval_conflict_error" ] || fail "conflict code: $OUT"
[ "$(json_get 'd["errors"][0]["location"]["file"]')" = "conflict/c.rego" ] || fail "conflict file: $OUT"

tg policy eval -d policies 'x := 1 / 0'
expect_code 0 "a built-in error is undefined by default"
[ "$OUT" = "{}" ] || fail "undefined on a built-in error: $OUT"
tg policy eval -d policies --strict-builtin-errors 'x := 1 / 0'
expect_code 1 "--strict-builtin-errors makes it an error"
[ "$(json_get 'd["errors"][0]["code"]')" = "eval_builtin_error" ] || fail "builtin error code: $OUT"

tg policy eval -d policies --format yaml 'x := 1'
expect_code 2 "an unknown format is a usage error"

tg policy eval -d nowhere 'x := 1'
expect_code 2 "a missing -d path"
expect_err 'Path does not exist: nowhere' "names the path"

finish
