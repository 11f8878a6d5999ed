#!/usr/bin/env bash
# The CI jobs `init --ci github|gitlab` writes work as written: they parse as YAML, gate pull/merge
# requests only, install tollgate from a .deb for real (checksum checked), fetch refs/tollgate/* and
# gate the request's head commit. The install and fetch steps are run here, with apt-get stubbed.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
tg -C "$repo" init --ci github
expect_code 0 "init --ci github"
tg -C "$repo" init --ci gitlab
expect_code 0 "init --ci gitlab in the configured repository"
github="$repo/.github/workflows/tollgate-gate.yml"
gitlab="$repo/.gitlab-ci.yml"

# Parse both with PyYAML, check their shape, and extract the scripts the steps run.
scripts="$E2E_TMP/scripts"
mkdir -p "$scripts"
if ! /usr/bin/python3 - "$github" "$gitlab" "$scripts" <<'PY'; then
import sys, yaml

github_path, gitlab_path, out = sys.argv[1:]
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

text = open(github_path).read()
doc = yaml.safe_load(text)
on = doc.get("on", doc.get(True))  # PyYAML reads the key `on` as the boolean True
check(isinstance(on, dict) and set(on) <= {"pull_request", "workflow_dispatch"} and "pull_request" in on,
      f"github: triggers only on pull requests, not {on!r}")
check("push" not in (on or {}), "github: no push trigger")
job = doc["jobs"]["gate"]
check(str(job.get("container", "")).startswith("debian:"), "github: the job runs in the Debian image the .deb is for")
steps = job["steps"]
names = [s.get("name", s.get("uses", "")) for s in steps]
def index(pred, what):
    found = [i for i, s in enumerate(steps) if pred(s)]
    check(len(found) == 1, f"github: one step {what} (steps: {names})")
    return found[0] if found else -1
install = index(lambda s: "tollgate.deb" in s.get("run", ""), "installing the .deb")
checkout = index(lambda s: s.get("uses", "").startswith("actions/checkout@"), "checking out")
fetch = index(lambda s: "refs/tollgate/*:refs/tollgate/*" in s.get("run", ""), "fetching refs/tollgate/*")
gate = index(lambda s: s.get("run", "").startswith("tollgate gate "), "running the gate")
check(install < checkout < fetch < gate, f"github: install, checkout, fetch, gate in that order ({names})")
run = lambda i: steps[i].get("run", "") if i >= 0 else ""
with_ = steps[checkout].get("with", {}) if checkout >= 0 else {}
check(with_.get("fetch-depth") == 0, "github: checkout with fetch-depth 0")
check(with_.get("ref") == "${{ github.event.pull_request.head.sha }}", "github: checks out the pull request's head commit")
check(job.get("env", {}).get("HEAD_SHA") == "${{ github.event.pull_request.head.sha }}", "github: HEAD_SHA is the PR head")
check('"$HEAD_SHA"' in run(gate), "github: gates the PR head commit")
check("apt-get install" in run(install), "github: installs with apt-get")
check("+refs/tags/*:refs/tags/*" in run(fetch), "github: fetches the tags")
check(job.get("defaults", {}).get("run", {}).get("shell") == "bash", "github: steps run in bash")
check("command -v" not in text, "github: no `command -v` in place of an install")
check("approvals.bind: tree" in text, "github: explains approvals.bind: tree for squash/merge")
open(f"{out}/github-install.sh", "w").write(run(install))
open(f"{out}/github-fetch.sh", "w").write(run(fetch))
open(f"{out}/github-gate.sh", "w").write(run(gate))

text = open(gitlab_path).read()
doc = yaml.safe_load(text)
job = doc["tollgate-gate"]
check(job.get("stage") in {".pre", "build", "test", "deploy", ".post"}, f"gitlab: a default stage, not {job.get('stage')!r}")
check(str(job.get("image", "")).startswith("debian:"), "gitlab: an image")
rules = job.get("rules", [])
check(len(rules) >= 1 and all('$CI_PIPELINE_SOURCE == "merge_request_event"' == r.get("if") for r in rules),
      f"gitlab: merge request pipelines only, not {rules!r}")
check(job.get("variables", {}).get("GIT_DEPTH") == 0, "gitlab: the whole history")
before = job.get("before_script", [])
script = job.get("script", [])
check(any("tollgate.deb" in line and "apt-get install" in line for line in before), "gitlab: installs the .deb")
check(any("refs/tollgate/*:refs/tollgate/*" in line for line in before), "gitlab: fetches refs/tollgate/*")
check(script == ['tollgate gate "${CI_MERGE_REQUEST_SOURCE_BRANCH_SHA:-$CI_COMMIT_SHA}" --junit tollgate-gate.xml'],
      f"gitlab: gates the merge request's head commit: {script!r}")
check(job.get("artifacts", {}).get("reports", {}).get("junit") == "tollgate-gate.xml", "gitlab: the JUnit report")
check("command -v" not in text, "gitlab: no `command -v` in place of an install")
check("approvals.bind: tree" in text, "gitlab: explains approvals.bind: tree for squash/merge")
open(f"{out}/gitlab-before.sh", "w").write("\n".join(before) + "\n")
open(f"{out}/gitlab-script.sh", "w").write("\n".join(script) + "\n")

for f in failures:
    print(f, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
  fail "the templates' shape (above)"
fi

for script in "$scripts"/*.sh; do
  bash -n "$script" || fail "$(basename "$script") is not valid shell"
done
if command -v shellcheck >/dev/null; then
  shellcheck -s bash "$scripts"/github-*.sh || fail "shellcheck: the GitHub steps"
  shellcheck -s sh "$scripts"/gitlab-*.sh || fail "shellcheck: the GitLab job"
else
  echo "shellcheck not installed: the steps' shell was only parsed (bash -n)"
fi
if command -v actionlint >/dev/null; then
  actionlint "$github" || fail "actionlint: $github"
else
  echo "actionlint not installed: skipped the GitHub workflow lint (YAML shape checked above)"
fi

# The install steps, run: apt-get is a stub recording its arguments, curl downloads a file:// URL,
# and the tollgate on PATH is the one under test.
stub="$E2E_TMP/stub"
mkdir -p "$stub"
cat >"$stub/apt-get" <<'SH'
#!/bin/sh
echo "apt-get $*" >>"$APT_LOG"
for arg; do case "$arg" in *.deb) cmp -s "$arg" "$DEB_SOURCE" || { echo "not the downloaded .deb: $arg" >&2; exit 1; } ;; esac; done
SH
chmod +x "$stub/apt-get"
ln -s "$TOLLGATE" "$stub/tollgate"
deb="$E2E_TMP/tollgate_0.1.0_amd64.deb"
printf 'not really a package\n' >"$deb"
good_sum=$(sha256sum "$deb" | cut -d' ' -f1)
run_install() { # run_install SHELL SCRIPT URL SHA256: sets CODE, OUT (stdout+stderr) and APT (the apt-get calls)
  local temp="$E2E_TMP/runner-temp"
  rm -rf "$temp" "$E2E_TMP/apt.log"
  mkdir -p "$temp"
  touch "$E2E_TMP/apt.log"
  OUT=$(PATH="$stub:$PATH" APT_LOG="$E2E_TMP/apt.log" DEB_SOURCE="$deb" RUNNER_TEMP="$temp" TMPDIR="$temp" \
    TOLLGATE_DEB_URL="$3" TOLLGATE_DEB_SHA256="$4" $1 "$2" 2>&1)
  CODE=$?
  APT=$(cat "$E2E_TMP/apt.log")
  ERR=$OUT
}
for ci in github gitlab; do
  if [ $ci = github ]; then
    shell="bash --noprofile --norc -eo pipefail" script="$scripts/github-install.sh"
  else
    shell="sh -e" script="$E2E_TMP/gitlab-install.sh"
    grep -v 'git fetch' "$scripts/gitlab-before.sh" >"$script"
  fi
  run_install "$shell" "$script" "file://$deb" ""
  expect_code 0 "$ci: the install step with a .deb URL"
  grep -q "^apt-get install -y -qq $E2E_TMP/runner-temp/tollgate.deb$" <<<"$APT" || fail "$ci: apt-get installs the .deb: $APT"
  expect_out "^tollgate " "$ci: the installed tollgate runs"
  run_install "$shell" "$script" "file://$deb" "$good_sum"
  expect_code 0 "$ci: the install step with the right checksum"
  run_install "$shell" "$script" "file://$deb" "$(printf '0%.0s' {1..64})"
  [ "$CODE" -ne 0 ] || fail "$ci: a .deb with another checksum is refused"
  grep -q "tollgate.deb" <<<"$APT" && fail "$ci: a .deb with another checksum was installed: $APT"
  run_install "$shell" "$script" "" ""
  [ "$CODE" -ne 0 ] || fail "$ci: the install step without TOLLGATE_DEB_URL fails"
  expect_err "set the (repository|CI/CD) variable TOLLGATE_DEB_URL" "$ci: says which variable to set"
  [ -z "$APT" ] || fail "$ci: apt-get ran without a URL: $APT"
  run_install "$shell" "$script" "file://$E2E_TMP/missing.deb" ""
  [ "$CODE" -ne 0 ] || fail "$ci: a download that fails stops the job"
done

# The fetch steps, run in a clone: approvals and the audit log arrive with the tags.
origin="$E2E_TMP/origin.git"
git init -q --bare -b main "$origin"
git -C "$repo" tag -a -m "v0.1.0" v0.1.0
git -C "$repo" update-ref refs/tollgate/approvals/"$(git -C "$repo" rev-parse HEAD)"/ABCD HEAD
git -C "$repo" update-ref refs/tollgate/log HEAD
git -C "$repo" push -q "$origin" main v0.1.0 'refs/tollgate/*:refs/tollgate/*'
for ci in github gitlab; do
  clone="$E2E_TMP/clone-$ci"
  git clone -q --no-tags "$origin" "$clone"
  [ -z "$(git -C "$clone" for-each-ref refs/tollgate refs/tags)" ] || fail "$ci: a plain clone has the refs already"
  if [ $ci = github ]; then
    (cd "$clone" && GITHUB_WORKSPACE="$clone" bash --noprofile --norc -eo pipefail "$scripts/github-fetch.sh")
  else
    (cd "$clone" && grep 'git fetch' "$scripts/gitlab-before.sh" | sh -e)
  fi
  [ $? -eq 0 ] || fail "$ci: the fetch step"
  git -C "$clone" rev-parse -q --verify refs/tollgate/log >/dev/null || fail "$ci: fetched the audit log"
  [ -n "$(git -C "$clone" for-each-ref refs/tollgate/approvals)" ] || fail "$ci: fetched the approvals"
  git -C "$clone" rev-parse -q --verify refs/tags/v0.1.0 >/dev/null || fail "$ci: fetched the tags"
done

finish
