# The sandbox-limits check on real files: a .env and a Kubernetes manifest, valid, missing,
# non-numeric, too large and conflicting.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
mkdir -p "$repo/deploy"
write_config "$repo" <<'YAML'
checks:
  - sandbox-limits:
      sources: [.env, deploy/manifest.yaml]
      max: {SANDBOX_CPU_SEC: 3600, SANDBOX_MEM_MB: 65536}
YAML
manifest() { # manifest CPU MEM
  cat >"$repo/deploy/manifest.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent-runtime
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: busybox
        - name: runtime
          image: runtime:1.0
          env:
            - name: SANDBOX_CPU_SEC
              value: "$1"
            - name: SANDBOX_MEM_MB
              value: "$2"
YAML
}

# Valid: both sources agree.
printf '# limits\nexport SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB="2048"  # MiB\n' >"$repo/.env"
manifest 30 2048
tg -C "$repo" check
expect_code 0 "valid limits"
expect_out 'SANDBOX_CPU_SEC=30 \(\.env:2' "names the file and line of the CPU limit"
expect_out 'SANDBOX_MEM_MB=2048 \(\.env:3' "names the file and line of the memory limit"
tg -C "$repo" --json check
[ "$(json_get 'd["checks"][0]["details"]["SANDBOX_CPU_SEC"]')" = 30 ] || fail "json details carry the value"

# Only the manifest.
rm "$repo/.env"
tg -C "$repo" check
expect_code 0 "limits from the manifest alone"
expect_out 'SANDBOX_CPU_SEC=30 \(deploy/manifest\.yaml:15' "manifest location"

# Missing.
printf 'SANDBOX_CPU_SEC=30\n' >"$repo/.env"
rm "$repo/deploy/manifest.yaml"
tg -C "$repo" check
expect_code 1 "a missing limit fails"
expect_out 'SANDBOX_MEM_MB is not set' "names the missing variable"

# Non-numeric.
printf 'SANDBOX_CPU_SEC=30s\nSANDBOX_MEM_MB=2048\n' >"$repo/.env"
tg -C "$repo" check
expect_code 1 "a non-numeric limit fails"
expect_out 'SANDBOX_CPU_SEC at \.env:1 is `30s`, not a positive integer' "names the bad value and where"

# Too large.
printf 'SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=131072\n' >"$repo/.env"
tg -C "$repo" check
expect_code 1 "a limit above the maximum fails"
expect_out 'SANDBOX_MEM_MB=131072 at \.env:2.* exceeds the maximum of 65536' "names the maximum"

# Conflicting between the .env and the manifest: both locations.
printf 'SANDBOX_CPU_SEC=30\nSANDBOX_MEM_MB=2048\n' >"$repo/.env"
manifest 60 2048
tg -C "$repo" check
expect_code 1 "conflicting sources fail"
expect_out 'SANDBOX_CPU_SEC conflicts: .*\.env:1.*30.*deploy/manifest\.yaml:15.*60' "both locations"

# A broken manifest is reported with its location, not a crash.
printf 'spec: [unclosed\n' >"$repo/deploy/manifest.yaml"
tg -C "$repo" check
expect_code 1 "a broken manifest fails the check"
expect_out 'deploy/manifest\.yaml:[0-9]+:[0-9]+' "names file:line:col"

finish
