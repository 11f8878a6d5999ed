# `tollgate doctor`: tools, keys, sandbox backends (each tried for real), and the config.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
write_config "$repo" <<'YAML'
checks:
  - pytest: {}
YAML
export GNUPGHOME="$E2E_TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"

tg -C "$repo" doctor
expect_code 0 "doctor on a healthy machine"
expect_out '^ok +pre-commit +pre-commit [0-9]' "finds pre-commit"
expect_out '^ok +pytest +pytest [0-9]' "finds pytest"
expect_out '^ok +gpg +gpg [0-9]' "finds gpg through gpgme"
expect_out '^warn +signing key +no usable secret key' "no key in an empty GNUPGHOME"
expect_out '^ok +sandbox +checks run confined under (namespaces|bwrap|firejail)' "a backend works"
expect_out '^ok +config .*valid, 1 checks' "config valid"
expect_out '^ok +sandbox namespaces +confines: .*; in-memory scratch capped at the memory limit$' \
  "the namespaces backend caps the in-memory scratch"

# firejail has no size option for its tmpfs: chosen, doctor warns (the exit code stays 0).
if command -v firejail >/dev/null; then
  write_config "$repo" <<'YAML'
sandbox: {backend: firejail}
checks:
  - pytest: {}
YAML
  tg -C "$repo" doctor
  expect_code 0 "doctor with firejail chosen"
  expect_out '^warn +sandbox +checks run confined under firejail; in-memory scratch not capped' \
    "firejail chosen: the uncapped scratch is a warning"
  write_config "$repo" <<'YAML'
checks:
  - pytest: {}
YAML
fi

# With a key, doctor names it.
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'Doc Tor <doc@example.com>' ed25519 sign never 2>/dev/null
tg -C "$repo" --json doctor
expect_code 0 "doctor --json"
[ "$(json_get '[f["status"] for f in d["findings"] if f["name"] == "signing key"][0]')" = ok ] || fail "signing key found"
json_get '[f["detail"] for f in d["findings"] if f["name"] == "signing key"][0]' | grep -q 'Doc Tor' || fail "names the key"
gpgconf --kill gpg-agent 2>/dev/null

finish
