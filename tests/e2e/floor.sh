#!/usr/bin/env bash
# The governance floor (DESIGN.md §7.6): tollgate.yaml at stable is the minimum. A candidate that
# drops a check, opens the network or raises its limits is judged by stable's rules, with one note
# per loosening ignored (printed, in `--json`, and in the promotion record); a tightening counts.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

start_listener
trap 'kill $listener 2>/dev/null; gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; rm -rf "$E2E_TMP"' EXIT

repo="$E2E_TMP/repo"
promote_repo "$repo"
# `offline` passes only without network; `cpu` only under a CPU limit of 30 s or less.
cat >"$repo/tollgate.yaml" <<YAML
version: 1
release:
  repository: example.com/promote
  signing_key: ada@example.com
sandbox: {cpu_sec: 30, timeout: 600, network: none}
checks:
  - command: {id: guard, run: "test -f must-exist"}
  - command: {id: offline, run: "bash -c '! (exec 3<>/dev/tcp/127.0.0.1/$port)'"}
  - command: {id: cpu, run: "bash -c 'test \$(ulimit -t) -le 30'"}
  - approvals: {}
YAML
touch "$repo/must-exist"
git -C "$repo" add -A
git -C "$repo" commit -q -m "feat: guarded"
approve_head "$repo"
tg -C "$repo" promote
expect_code 0 "the first promotion"
expect_out "no stable release yet: the candidate's own tollgate.yaml is the trust root" "says where the rules come from"
message=$(git -C "$repo" cat-file tag v0.1.0)
grep -q "^Rules: candidate (first promotion)$" <<<"$message" || fail "the record's Rules: $message"
grep -Eq "^Sandbox: confine=on backend=[a-z]+ cpu=30s mem=4096MiB net=none procs=512$" <<<"$message" ||
  fail "the record's Sandbox: $message"

# 1. The candidate drops `guard` and the file it guards, and loosens its sandbox.
base=$(git -C "$repo" rev-parse HEAD)
sed -i '/id: guard/d; s/cpu_sec: 30, timeout: 600, network: none/cpu_sec: 9000, timeout: 7200, network: allow/' \
  "$repo/tollgate.yaml"
git -C "$repo" rm -q must-exist
git -C "$repo" commit -q -am "feat: no guard"
approve_head "$repo"
tg -C "$repo" promote
expect_code 1 "a candidate that drops guard is refused"
expect_out "dropping check \`guard\` ignored: stable \(v0.1.0\) lists it" "the note names guard"
expect_out "^fail +guard" "guard ran, as stable defines it"
expect_out "\`sandbox.network: allow\` ignored: stable \(v0.1.0\) says \`none\`" "the network note"
expect_out "\`sandbox.timeout: 7200\` ignored: stable \(v0.1.0\) says \`600\`" "the timeout note"
[ "$(git -C "$repo" rev-parse stable^{commit})" = "$base" ] || fail "stable moved"
tg -C "$repo" gate
expect_out "dropping check \`guard\` ignored" "the gate prints the notes too"
tg -C "$repo" --json gate
[ "$(json_get 'len([n for n in d["floor"] if "guard" in n])')" = 1 ] || fail "gate --json has the floor: $OUT"

# 2. The same loosening with guard kept: it runs under stable's limits (no network, 30 s of CPU),
#    passes, and the record keeps the notes; its rewrite of the `cpu` probe is ignored too.
git -C "$repo" reset -q --hard "$base"
sed -i 's/cpu_sec: 30, timeout: 600, network: none/cpu_sec: 9000, timeout: 7200, network: allow/' "$repo/tollgate.yaml"
sed -i 's/test \$(ulimit -t) -le 30/true/' "$repo/tollgate.yaml"
git -C "$repo" commit -q -am "feat: loosen the sandbox"
approve_head "$repo"
tg -C "$repo" --json promote
expect_code 0 "the loosening is ignored, the change promoted"
[ "$(json_get 'd["rules"].startswith("stable v0.1.0 ")')" = True ] || fail "--json names the rules: $OUT"
[ "$(json_get 'len(d["floor"])')" = 4 ] || fail "--json lists four notes: $OUT"
[ "$(json_get '[c["status"] for c in d["checks"]["checks"] if c["id"] in ("offline", "cpu")]')" = "['pass', 'pass']" ] ||
  fail "offline and cpu passed under stable's sandbox: $OUT"
message=$(git -C "$repo" cat-file tag v0.2.0)
grep -q "^Rules: stable v0.1.0 $base$" <<<"$message" || fail "the record's Rules: $message"
grep -q "^Sandbox: confine=on .* cpu=30s .*net=none" <<<"$message" || fail "the record's Sandbox: $message"
[ "$(grep -c '^Floor-note: ' <<<"$message")" = 4 ] || fail "the record's Floor-note lines: $message"
grep -q "^Floor-note: tollgate.yaml: \`sandbox.network: allow\` ignored" <<<"$message" || fail "network note recorded"

# 3. Control: now stable allows the network and 9000 s; a candidate that tightens is promoted as it asks.
sed -i 's/cpu_sec: 9000, timeout: 7200, network: allow/cpu_sec: 20, timeout: 300, network: none/' "$repo/tollgate.yaml"
printf '  - command: {id: cpu20, run: "bash -c '"'"'test $(ulimit -t) -le 20'"'"'"}\n' >>"$repo/tollgate.yaml"
git -C "$repo" commit -q -am "feat: tighten"
approve_head "$repo"
tg -C "$repo" promote
expect_code 0 "a tightening candidate is promoted"
expect_no_out "ignored: stable" "no notes for a tightening"
expect_out "^pass +cpu20" "the added check ran under the tightened CPU limit"
message=$(git -C "$repo" cat-file tag v0.3.0)
grep -q "^Sandbox: confine=on .* cpu=20s .*net=none" <<<"$message" || fail "the tightened Sandbox: $message"
grep -q "^Floor-note:" <<<"$message" && fail "no Floor-note for a tightening"

finish
