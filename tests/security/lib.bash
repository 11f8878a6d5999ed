# Shared helpers for the attack scenarios (tests/security/*.sh): the e2e helpers, plus the list of
# confinement backends present on this machine. A backend that is not installed is reported as
# skipped, never as passed.
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.bash"

# BACKENDS: the backends to attack; SKIPPED: those not present.
BACKENDS=(namespaces)
SKIPPED=()
for wrapper in bwrap firejail; do
  if command -v "$wrapper" >/dev/null 2>&1; then
    BACKENDS+=("$wrapper")
  else
    SKIPPED+=("$wrapper")
  fi
done
for skipped in "${SKIPPED[@]}"; do
  echo "$E2E_NAME: SKIPPED on backend $skipped (not installed)"
done

# attack_repo DIR BACKEND: a repository whose tollgate.yaml (written from stdin, after a `sandbox:`
# line naming BACKEND) holds the checks; the hostile scripts are committed alongside.
attack_config() { # attack_config DIR BACKEND <<YAML (the checks: part)
  {
    echo "sandbox: {backend: $2, network: none}"
    cat
  } >"$1/tollgate.yaml"
}
