# `tollgate policy capabilities`: OPA's capabilities JSON for the built-ins this engine implements,
# and a gate's refusal of network built-ins (an error naming the built-in, never "unknown function").
source "$(dirname "$0")/lib.bash"

dir="$E2E_TMP/p"
mkdir -p "$dir/policies"
cd "$dir" || exit 1

tg policy capabilities
expect_code 0 "capabilities"
[ "$(json_get '[b["name"] for b in d["builtins"] if b["name"] == "time.format"]')" = "['time.format']" ] ||
  fail "time.format listed: $OUT"
[ "$(json_get '[b.get("infix") for b in d["builtins"] if b["name"] == "plus"]')" = "['+']" ] || fail "infix: $OUT"
[ "$(json_get 'd["allow_net"]')" = "[]" ] || fail "allow_net: $OUT"
[ "$(json_get '[b["name"] for b in d["builtins"] if b["name"] == "rand.intn"]')" = "[]" ] ||
  fail "an unimplemented built-in is listed: $OUT"

cat >policies/net.rego <<'REGO'
package net

allowed if {
  resp := http.send({"method": "get", "url": "https://registry.example.com/v2/"})
  resp.status_code == 200
}
REGO
tg policy eval -d policies data.net.allowed
expect_code 1 "http.send is refused when it runs"
case "$OUT" in
*eval_builtin_error*"http.send: unallowed host: registry.example.com"*) ;;
*) fail "refusal names the built-in and host: $OUT" ;;
esac

finish
