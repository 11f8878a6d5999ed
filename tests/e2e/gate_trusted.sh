#!/usr/bin/env bash
# The gate and the promotion keep the checks of tollgate.yaml at stable: a candidate that deletes
# its `policies` check and the policy that would deny it is still judged by both.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

repo="$E2E_TMP/repo"
promote_repo "$repo"
mkdir -p "$repo/policies"
cat >"$repo/policies/secrets.rego" <<'REGO'
package secrets
import rego.v1

deny contains msg if {
  some path in input.changed_files
  startswith(path, "secrets/")
  msg := sprintf("%s must not be committed", [path])
}
REGO
printf '  - policies: {}\n' >>"$repo/tollgate.yaml"
git -C "$repo" add -A
git -C "$repo" commit -q -m "feat: a secrets policy"
approve_head "$repo"
"$TOLLGATE" -C "$repo" promote >/dev/null 2>&1 || fail "the first promotion"

# The candidate drops the check and the policy, and commits a secret.
sed -i '/policies: {}/d' "$repo/tollgate.yaml"
git -C "$repo" rm -q -r policies
mkdir -p "$repo/secrets"
echo token >"$repo/secrets/key.txt"
git -C "$repo" add -A
git -C "$repo" commit -q -m "feat: quietly"
approve_head "$repo"

tg -C "$repo" gate
expect_code 1 "the gate stays closed"
expect_out "secrets/key.txt must not be committed" "stable's policy judged the candidate"
tg -C "$repo" promote
expect_code 1 "the promotion is refused"
expect_out "secrets/key.txt must not be committed" "the promotion ran stable's policies check too"

finish
