#!/usr/bin/env bash
# release.version_files: a Python + Node project whose pyproject.toml, package.json,
# package-lock.json and __version__ the release commit sets, byte for byte otherwise; `init` finds
# them, `changelog` and `promote --dry-run` show the edits as a diff, a broken entry is refused
# (exit 2, file:line:col, nothing written), and `verify` accepts the release commit while refusing
# one that changes a version file beyond its version string or a file that is no version file.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/promote_lib.bash"

# The project's packaging files, CRLF and odd spacing included, at version 0.0.0.
write_project() {
  local dir=$1
  mkdir -p "$dir/src/demo"
  printf '[build-system]\r\nrequires = ["hatchling"]  # version = "9"\r\n\r\n[project]\r\nname    = "demo"\r\nversion =   "0.0.0"   # set by tollgate\r\ndescription = """\r\n[tool.poetry]\r\nversion = "6.6.6"\r\n"""\r\n' >"$dir/pyproject.toml"
  printf '{\n    "name":"demo",\n    "version" : "0.0.0",\n    "scripts": {"version": "echo 0.0.0"},\n    "dependencies": {"left-pad": "^1.3.0"}\n}' >"$dir/package.json"
  cat >"$dir/package-lock.json" <<'JSON'
{
  "name": "demo",
  "version": "0.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "demo",
      "version": "0.0.0",
      "dependencies": {
        "left-pad": "^1.3.0"
      }
    },
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.example/left-pad/-/left-pad-1.3.0.tgz"
    }
  }
}
JSON
  printf '"""The demo package."""\n\n__version__ = "0.0.0"\n' >"$dir/src/demo/__init__.py"
}

# 1. `init` finds the version files and lists them, in its output and in the tollgate.yaml it writes.
fresh="$E2E_TMP/fresh"
new_repo "$fresh"
write_project "$fresh"
printf '[project]\nname = "sub"\ndynamic = ["version"]\n' >"$fresh/setup.cfg" # no [metadata] version: skipped
git -C "$fresh" add -A
git -C "$fresh" commit -q -m "feat: packaging"
tg -C "$fresh" init
expect_code 0 "init in a Python + Node project"
for file in pyproject.toml package.json package-lock.json src/demo/__init__.py; do
  expect_out "version file: $file \(0\.0\.0" "init lists $file"
done
expect_out "version file not listed: setup.cfg: no version found" "init says why setup.cfg is not listed"
grep -q '^  version_files:' "$fresh/tollgate.yaml" || fail "init writes release.version_files"
grep -q '^    - pyproject.toml$' "$fresh/tollgate.yaml" || fail "init lists pyproject.toml"
grep -q '^    - {path: src/demo/__init__.py, pattern: ' "$fresh/tollgate.yaml" || fail "init lists __version__ by pattern"
tg -C "$fresh" --json changelog
expect_code 0 "what init wrote loads"
[ "$(json_get '[f["path"] for f in d["version_files"] if f["changed"]]')" = \
  "['pyproject.toml', 'package.json', 'package-lock.json', 'src/demo/__init__.py']" ] ||
  fail "changelog --json lists the edits: $OUT"

# 2. The project under tollgate, with version_files listed.
repo="$E2E_TMP/repo"
promote_repo "$repo"
write_project "$repo"
/usr/bin/python3 - "$repo/tollgate.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read().replace("  signing_key: ada@example.com\n", """  signing_key: ada@example.com
  version_files:
    - pyproject.toml
    - package.json
    - package-lock.json
    - {path: src/demo/__init__.py, pattern: '^__version__ = "([^"]+)"'}
""")
open(path, "w").write(text)
PY
git -C "$repo" add -A
git -C "$repo" commit -q -m "feat: Python and Node packaging"
candidate=$(git -C "$repo" rev-parse HEAD)
for file in pyproject.toml package.json package-lock.json src/demo/__init__.py; do
  cp "$repo/$file" "$E2E_TMP/before.$(basename "$file")"
done

# `changelog` shows the edits as a unified diff.
tg -C "$repo" changelog
expect_code 0 "changelog preview"
expect_out "the release commit would set the version in pyproject.toml, package.json, package-lock.json, src/demo/__init__.py" \
  "names the version files"
expect_out '^\+\+\+ b/package-lock.json$' "a diff of the lockfile"
expect_out '^-version =   "0.0.0"   # set by tollgate' "the old pyproject line, spacing kept"
expect_out '^\+version =   "0.1.0"   # set by tollgate' "the new pyproject line, spacing kept"
expect_out '^\+      "version": "0.1.0",$' "packages[\"\"].version"
expect_no_out '1\.3\.0.*0\.1\.0|^\+.*6\.6\.6|^\+.*echo' "nothing else is edited"

# 3. A broken entry is refused with its place, exit 2, before anything runs or is written.
refused() { # refused DIR: commits what the caller changed, then expects promote to refuse it
  git -C "$1" commit -q -am "fix: break a version file"
  local before
  before=$(snapshot "$1")
  tg -C "$1" promote
  expect_code 2 "$2"
  [ "$(snapshot "$1")" = "$before" ] || fail "$2: the refused promotion changed the repository"
}
cp -r "$repo" "$E2E_TMP/r1"
printf '[project]\nname = "demo"\ndynamic = ["version"]\n' >"$E2E_TMP/r1/pyproject.toml"
refused "$E2E_TMP/r1" "a dynamic version"
expect_err '^tollgate: error: promotion refused: pyproject.toml:3:11: \[project\] declares the version dynamic' \
  "names pyproject.toml:line:col"
cp -r "$repo" "$E2E_TMP/r2"
git -C "$E2E_TMP/r2" rm -q package-lock.json
refused "$E2E_TMP/r2" "a missing version file"
expect_err 'promotion refused: tollgate.yaml:[0-9]+:7: version file `package-lock.json` does not exist' \
  "names the entry in tollgate.yaml"
cp -r "$repo" "$E2E_TMP/r3"
printf '__version__ = "0.0.0"\n__version__ = "0.0.0"\n' >"$E2E_TMP/r3/src/demo/__init__.py"
refused "$E2E_TMP/r3" "a pattern matching twice"
expect_err 'src/demo/__init__.py:2:16: the pattern matches a second time' "names the second match"

# 4. The dry run shows the same diff and changes nothing.
approve_head "$repo"
before=$(snapshot "$repo")
tg -C "$repo" promote --dry-run
expect_code 0 "dry run"
expect_out "commit CHANGELOG.md and the version in pyproject.toml, package.json, package-lock.json, src/demo/__init__.py" \
  "the dry run names the version files"
expect_out '^ +\+__version__ = "0.1.0"$' "the dry run shows the diff"
[ "$(snapshot "$repo")" = "$before" ] || fail "--dry-run changed the repository"

# 5. The real promotion: one commit, the CHANGELOG and the four version strings, nothing else.
tg -C "$repo" promote
expect_code 0 "the promotion"
expect_out "the release commit sets the version 0.1.0 in pyproject.toml, package.json, package-lock.json, src/demo/__init__.py" \
  "says what it set"
[ "$(git -C "$repo" rev-parse HEAD~1)" = "$candidate" ] || fail "the release commit sits on the candidate"
[ "$(git -C "$repo" diff --name-only HEAD~1 HEAD | tr '\n' ' ')" = \
  "CHANGELOG.md package-lock.json package.json pyproject.toml src/demo/__init__.py " ] ||
  fail "the release commit changes the CHANGELOG and the version files"
[ -z "$(git -C "$repo" status --porcelain)" ] || fail "the work tree follows the release commit"
# Byte for byte: each file is its old self with "0.0.0" -> "0.1.0" at the version only.
expect_file() { # expect_file FILE SED-SCRIPT: FILE is its old self edited by SED-SCRIPT
  local name expected="$E2E_TMP/expected"
  name=$(basename "$1")
  sed "$2" "$E2E_TMP/before.$name" >"$expected"
  cmp -s <(git -C "$repo" show "HEAD:$1") "$expected" || fail "$1 at the release commit is not as expected"
  cmp -s "$repo/$1" "$expected" || fail "$1 in the work tree is not as expected"
}
expect_file pyproject.toml 's/version =   "0.0.0"/version =   "0.1.0"/'
expect_file package.json 's/"version" : "0.0.0"/"version" : "0.1.0"/'
expect_file package-lock.json 's/"version": "0.0.0"/"version": "0.1.0"/'
expect_file src/demo/__init__.py 's/0.0.0/0.1.0/'
grep -q $'\r$' "$repo/pyproject.toml" || fail "pyproject.toml keeps its CRLF"
[ "$(tail -c 1 "$repo/package.json")" = "}" ] || fail "package.json keeps its missing final newline"

tg -C "$repo" verify
expect_code 0 "the release verifies"
expect_out "✔ changelog-only commit .*and the version in package-lock.json, package.json, pyproject.toml, src/demo/__init__.py" \
  "the commit's paths hold"
expect_out "✔ version files .*pyproject.toml 0.0.0 -> 0.1.0.*src/demo/__init__.py 0.0.0 -> 0.1.0" \
  "each version string went from the previous version to the released one"

# The next release goes from 0.1.0 to 0.2.0, and verifies too.
echo "print('two')" >"$repo/app.py"
git -C "$repo" commit -q -am "feat: two"
approve_head "$repo"
tg -C "$repo" promote
expect_code 0 "the second promotion"
grep -q '"version" : "0.2.0"' "$repo/package.json" || fail "package.json at 0.2.0"
tg -C "$repo" verify
expect_code 0 "the second release verifies"
expect_out "✔ version files .*package.json 0.1.0 -> 0.2.0" "from 0.1.0 to 0.2.0"

# 6. Forged release commits, signed by a maintainer with v0.2.0's record: each on the candidate.
git -C "$repo" cat-file tag v0.2.0 | sed '1,/^$/d; /^-----BEGIN PGP SIGNATURE-----/,$d' >"$E2E_TMP/record"
forge() { # forge NAME: a copy of the repository on v0.2.0's candidate, with the release's files
  local copy="$E2E_TMP/$1"
  cp -r "$repo" "$copy"
  git -C "$copy" checkout -q "$(git -C "$copy" rev-parse v0.2.0~1)"
  git -C "$copy" checkout -q v0.2.0 -- .
  echo "$copy"
}
resign() { # resign DIR: commits what is staged and re-signs v0.2.0 onto it
  git -C "$1" commit -q -am "chore(release): v0.2.0"
  git -C "$1" -c user.signingkey="$ADA" tag -f -s -F "$E2E_TMP/record" v0.2.0 HEAD >/dev/null 2>&1 || fail "cannot sign"
  tg -C "$1" verify v0.2.0
}
# Control: the same edits as the real release pass both findings (only the audit log, which
# records the original tag object, tells the forgery).
copy=$(forge f0)
echo "" >>"$copy/CHANGELOG.md"
resign "$copy"
expect_out "✔ changelog-only commit" "control: the paths hold"
expect_out "✔ version files .*pyproject.toml 0.1.0 -> 0.2.0" "control: the version strings hold"
# A version file changed beyond its version string.
copy=$(forge f1)
sed -i 's/"left-pad": "\^1.3.0"}/"left-pad": "^1.3.0", "evil": "1.0.0"}/' "$copy/package.json"
resign "$copy"
expect_code 1 "a version file changed elsewhere too"
expect_out "✘ version files .*package.json changes more than its version string \(line 5\)" "names the file and line"
# A version string set to another version than the released one.
copy=$(forge f2)
sed -i 's/^__version__ = "0.2.0"/__version__ = "9.9.9"/' "$copy/src/demo/__init__.py"
resign "$copy"
expect_code 1 "another version"
expect_out "✘ version files .*src/demo/__init__.py changes more than its version string" "names the file"
# A file that is no version file, besides legitimate version edits.
copy=$(forge f3)
echo "print('rogue')" >>"$copy/app.py"
resign "$copy"
expect_code 1 "a file not configured"
expect_out "✘ changelog-only commit .*changes app.py besides CHANGELOG.md and the version files" "names app.py"
# tollgate.yaml itself, listing another version file in the release commit: still refused.
copy=$(forge f4)
sed -i 's/^    - package.json$/    - package.json\n    - {path: app.py, pattern: "(print)"}/' "$copy/tollgate.yaml"
resign "$copy"
expect_code 1 "the release commit's own tollgate.yaml"
expect_out "✘ changelog-only commit .*changes tollgate.yaml besides" "names tollgate.yaml"

finish
