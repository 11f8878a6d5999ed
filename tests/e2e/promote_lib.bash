# Shared by the promotion scenarios: two maintainers' keys, a repository with a trust root and a
# trivial checklist, and approvals of HEAD. Source after lib.bash.

export GNUPGHOME="$E2E_TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
fpr_of() { gpg --batch --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
for who in "Ada Lovelace <ada@example.com>" "Bob Builder <bob@example.com>"; do
  gpg --batch --quiet --passphrase '' --quick-gen-key "$who" ed25519 sign never 2>/dev/null
done
ADA=$(fpr_of ada@example.com)
BOB=$(fpr_of bob@example.com)

# promote_repo DIR: a repository on main with MAINTAINERS.yaml, the keys, tollgate.yaml and one
# feature commit by a non-maintainer.
promote_repo() {
  local dir=$1
  mkdir -p "$dir/.tollgate/keys"
  git -C "$dir" init -q -b main
  gpg --armor --export "$ADA" >"$dir/.tollgate/keys/ada.asc" 2>/dev/null
  gpg --armor --export "$BOB" >"$dir/.tollgate/keys/bob.asc" 2>/dev/null
  cat >"$dir/MAINTAINERS.yaml" <<YAML
maintainers:
  - name: Ada Lovelace
    email: ada@example.com
    keys: [$ADA]
    roles: [release, security]
  - name: Bob Builder
    email: bob@example.com
    keys: [$BOB]
    roles: [release]
YAML
  cat >"$dir/tollgate.yaml" <<'YAML'
version: 1
release:
  repository: example.com/promote
  signing_key: ada@example.com
checks:
  - command: {id: unit, run: "true"}
  - approvals: {}
YAML
  echo "print('hello')" >"$dir/app.py"
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "feat: the first feature"
}

# released_repo DIR: promote_repo, approved by Ada and Bob, promoted to v0.1.0 (a failure is a test failure).
released_repo() {
  promote_repo "$1"
  approve_head "$1"
  tg -C "$1" promote
  expect_code 0 "control: the first promotion"
}

# approve_head DIR: Ada and Bob approve HEAD.
approve_head() {
  "$TOLLGATE" -C "$1" approve --key "$ADA" >/dev/null 2>&1 || fail "ada could not approve"
  "$TOLLGATE" -C "$1" approve --key "$BOB" >/dev/null 2>&1 || fail "bob could not approve"
}

# snapshot DIR: every ref and the work tree's status, to compare before/after.
snapshot() {
  git -C "$1" for-each-ref --format='%(refname) %(objectname)' | grep -v '^refs/tollgate/approvals/'
  git -C "$1" status --porcelain
}
