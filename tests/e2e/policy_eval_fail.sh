#!/usr/bin/env bash
# `policy eval --fail | --fail-defined` exit as `opa eval` does (1 when the result set is empty /
# not empty; a defined empty set is still a defined result), and --format raw|values|bindings
# print as opa's presentation does.
source "$(dirname "$0")/lib.bash"

cd "$E2E_TMP" || exit 1
mkdir policies
cat >policies/p.rego <<'REGO'
package p
import rego.v1

names := ["ada", "bob"]
deny contains msg if {
  input.bad
  msg := "bad input"
}
REGO
echo '{"bad": true}' >bad.json
echo '{"bad": false}' >good.json

tg policy eval 'data.p.missing'
expect_code 0 "control: an undefined result without --fail"
tg policy eval --fail 'data.p.missing'
expect_code 1 "--fail: undefined"
tg policy eval --fail 'data.p.names'
expect_code 0 "--fail: defined"
tg policy eval --fail-defined 'data.p.names'
expect_code 1 "--fail-defined: defined"
tg policy eval --fail-defined 'data.p.missing'
expect_code 0 "--fail-defined: undefined"
tg policy eval --fail-defined -i good.json 'data.p.deny'
expect_code 1 "--fail-defined: an empty set is a defined result (as opa)"
tg policy eval --fail-defined -i good.json 'data.p.deny[x]'
expect_code 0 "--fail-defined: no binding for x is an empty result"
tg policy eval --fail-defined -i bad.json 'data.p.deny[x]'
expect_code 1 "--fail-defined: a deny message"
tg policy eval --fail --fail-defined 'data.p.names'
expect_code 2 "--fail with --fail-defined"
expect_err "specify --fail or --fail-defined but not both" "opa's message"
tg policy eval --fail 'data.p.'
expect_code 2 "a parse error is still exit 2 with --fail"

tg policy eval --format raw 'data.p.names[_]'
[ "$OUT" = $'ada\nbob' ] || fail "raw: strings as they are, one row a line: $OUT"
tg policy eval --format raw 'data.p.names[0]; 1 + 1'
[ "$OUT" = 'ada 2' ] || fail "raw: expressions separated by a space: $OUT"
tg policy eval --format values 'data.p.names[_]'
[ "$(tr -d ' \n' <<<"$OUT")" = '["ada"]["bob"]' ] || fail "values: one array per row: $OUT"
tg policy eval --format bindings 'x := data.p.names[_]'
[ "$(tr -d ' \n' <<<"$OUT")" = '{"x":"ada"}{"x":"bob"}' ] || fail "bindings: one object per row: $OUT"
tg policy eval --format bindings 'data.p.missing'
[ -z "$OUT" ] || fail "bindings of an undefined result: nothing: $OUT"
for format in raw values bindings pretty json; do
  query='123456789012345678901234567890 + 1'
  [ "$format" = bindings ] && query="x := $query"
  tg policy eval --format "$format" "$query"
  grep -q '123456789012345678901234567891' <<<"$OUT" || fail "$format: a number beyond 64 bits exact: $OUT"
  grep -q 'rego-number' <<<"$OUT" && fail "$format: a big number's internal marker leaks: $OUT"
done
tg policy eval --format yaml 'data.p.names'
expect_code 2 "an unknown format"

finish
