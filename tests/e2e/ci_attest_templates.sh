#!/usr/bin/env bash
# The attestation jobs `init --ci github|gitlab --attest` writes work as written: they parse as YAML,
# run on pushes to the release branch, fan pytest out over shards, and their steps, run here in CI
# clones (matrix, fetch, key import, `check --attest --shard`, push), attest a tree so that the
# maintainer's promotion does not run pytest. Only apt-get and the Actions expressions are not real.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/attest_lib.bash"
maintainer="$repo"

# init: --attest needs --ci, refuses before writing anything, and lists both files to commit.
scratch="$E2E_TMP/scratch"
new_repo "$scratch"
tg -C "$scratch" init --attest
expect_code 2 "--attest without --ci"
[ -e "$scratch/tollgate.yaml" ] && fail "--attest without --ci wrote tollgate.yaml"
tg -C "$scratch" init --ci github --attest
expect_code 0 "init --ci github --attest"
expect_out '^git add tollgate.yaml MAINTAINERS.yaml (.tollgate/keys/[a-z]+.asc )?.github/workflows/tollgate-gate.yml .github/workflows/tollgate-attest.yml$' \
  "git add lists both workflows"
expect_out "tollgate-attest.yml: the attestation job" "names the attestation job"
rm "$scratch/.github/workflows/tollgate-attest.yml"
tg -C "$scratch" init --ci github --attest
expect_code 2 "the gate workflow exists"
[ -e "$scratch/.github/workflows/tollgate-attest.yml" ] && fail "a refused init wrote the attestation workflow"
rm "$scratch/.github/workflows/tollgate-gate.yml"
tg -C "$scratch" init --ci gitlab --attest
expect_code 0 "init --ci gitlab --attest in the configured repository"
expect_out '^git add .gitlab-ci.yml .gitlab/tollgate-attest.gitlab-ci.yml$' "git add lists the GitLab files"
expect_out "include: \{local: .gitlab/tollgate-attest.gitlab-ci.yml\}" "says how to include the attestation job"
github="$scratch/.github/workflows/tollgate-attest.yml"
gitlab="$scratch/.gitlab/tollgate-attest.gitlab-ci.yml"
tg -C "$scratch" init --ci github --attest
expect_code 0 "init --ci github --attest again"

# The shapes, and the scripts the steps run.
scripts="$E2E_TMP/scripts"
mkdir -p "$scripts"
if ! /usr/bin/python3 - "$github" "$gitlab" "$scripts" <<'PY'; then
import sys, yaml

github_path, gitlab_path, out = sys.argv[1:]
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

doc = yaml.safe_load(open(github_path))
on = doc.get("on", doc.get(True))  # PyYAML reads the key `on` as the boolean True
check(set(on) == {"push"} and on["push"].get("branches") == ["main"], f"github: pushes to main only, not {on!r}")
check(doc.get("permissions") == {"contents": "write"}, "github: may push refs, nothing more")
shards = int(doc["env"]["SHARDS"])
matrix, attest = doc["jobs"]["matrix"], doc["jobs"]["attest"]
check(matrix["outputs"]["shards"] == "${{ steps.matrix.outputs.shards }}", "github: the matrix job's output")
check(attest.get("needs") == "matrix", "github: the attest job needs the matrix")
check(attest["strategy"]["matrix"] == "${{ fromJSON(needs.matrix.outputs.shards) }}", "github: the matrix from JSON")
check(attest["strategy"].get("fail-fast") is False, "github: one failing shard does not cancel the others")
container = attest.get("container", {})
check(str(container.get("image", "")).startswith("debian:"), "github: the Debian image the .deb is for")
check("SYS_ADMIN" in container.get("options", "") and "seccomp=unconfined" in container.get("options", ""),
      "github: the container may make the namespaces the checks run in")
steps = attest["steps"]
def step(pred, what):
    found = [s for s in steps if pred(s)]
    check(len(found) == 1, f"github: one step {what}")
    return found[0] if found else {}
run = lambda s: s.get("run", "")
checkout = step(lambda s: s.get("uses", "").startswith("actions/checkout@"), "checking out")
check(checkout.get("with", {}).get("fetch-depth") == 0, "github: the whole history (the trust root at stable)")
install = step(lambda s: "tollgate.deb" in run(s), "installing")
for tool in ["git", "gnupg", "python3-pytest", "pre-commit"]:
    check(f" {tool}" in run(install), f"github: installs {tool}")
fetch = step(lambda s: "refs/tollgate/*:refs/tollgate/*" in run(s), "fetching")
key = step(lambda s: "gpg --batch" in run(s), "importing the key")
check(key.get("env", {}).get("TOLLGATE_ATTESTER_KEY") == "${{ secrets.TOLLGATE_ATTESTER_KEY }}", "github: the key from a secret")
attesting = step(lambda s: run(s).startswith("tollgate check --attest"), "attesting")
check('--shard "${{ matrix.shard }}"' in run(attesting), "github: attests its shard")
push = step(lambda s: run(s).startswith("git push"), "pushing")
check("refs/tollgate/attestations/*" in run(push) and "refs/tollgate/approvals" not in run(push),
      "github: pushes the attestations only")
names = [s.get("name", s.get("uses")) for s in steps]
order = [steps.index(s) for s in (install, checkout, fetch, key, attesting, push) if s]
check(order == sorted(order), f"github: install, checkout, fetch, key, attest, push in that order ({names})")
with open(f"{out}/shards", "w") as f: f.write(str(shards))
for name, s in {"matrix": [x for x in matrix["steps"] if x.get("id") == "matrix"][0], "fetch": fetch,
                "key": key, "attest": attesting, "push": push}.items():
    open(f"{out}/github-{name}.sh", "w").write(run(s))

doc = yaml.safe_load(open(gitlab_path))
job = doc["tollgate-attest"]
check(job.get("rules") == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}], "gitlab: the default branch only")
check(isinstance(job.get("parallel"), int) and job["parallel"] > 1, "gitlab: parallel shards")
check(job.get("variables", {}).get("GIT_DEPTH") == 0, "gitlab: the whole history")
before, script = job["before_script"], job["script"]
check(any("tollgate.deb" in line for line in before), "gitlab: installs the .deb")
check(script[0] == 'tollgate check --attest --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL" --junit tollgate-check.xml',
      f"gitlab: attests its shard: {script[0]!r}")
with open(f"{out}/gitlab-parallel", "w") as f: f.write(str(job["parallel"]))
open(f"{out}/gitlab-prepare.sh", "w").write("\n".join(l for l in before if l.startswith(("git fetch", "gpg "))) + "\n")
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

# The key CI holds as its secret: CI's secret key alone, in a keyring of its own.
gpg --batch --armor --export-secret-keys "$CI" >"$E2E_TMP/ci-secret.asc" 2>/dev/null
bin="$E2E_TMP/bin"
mkdir -p "$bin"
ln -s "$TOLLGATE" "$bin/tollgate"
gitlab_origin="$E2E_TMP/gitlab-origin.git"
git clone -q --mirror "$origin" "$gitlab_origin"

# GitHub: the matrix step prints the shards; each shard's steps run in a clone of its own.
output="$E2E_TMP/github-output"
: >"$output"
PATH="$bin:$PATH" SHARDS=$(cat "$scripts/shards") GITHUB_OUTPUT="$output" bash -eo pipefail "$scripts/github-matrix.sh" ||
  fail "github: the matrix step"
shards_json=$(sed -n 's/^shards=//p' "$output")
mapfile -t shard_list < <(/usr/bin/python3 -c 'import json, sys; [print(j["shard"]) for j in json.loads(sys.argv[1])["include"]]' "$shards_json")
[ "${#shard_list[@]}" = "$(cat "$scripts/shards")" ] || fail "github: the matrix has one job per shard: $shards_json"
ci_job() { # ci_job NAME SHELL ORIGIN SCRIPT: runs SCRIPT with SHELL in a clone of ORIGIN, with a keyring and HOME of its own
  local dir="$E2E_TMP/$1" home="$E2E_TMP/$1-gnupg" job_home="$E2E_TMP/$1-home"
  rm -rf "$dir" "$home" "$job_home"
  mkdir -m 700 "$home"
  mkdir -p "$job_home"
  git clone -q "$3" "$dir" 2>/dev/null || return 1
  (cd "$dir" && GNUPGHOME="$home" GITHUB_WORKSPACE="$dir" PATH="$bin:$PATH" HOME="$job_home" "$2" -c "$4")
  local code=$?
  gpgconf --homedir "$home" --kill gpg-agent 2>/dev/null
  return $code
}
for shard in "${shard_list[@]}"; do
  steps="set -eo pipefail
    $(cat "$scripts/github-fetch.sh")
    TOLLGATE_ATTESTER_KEY=\"\$(cat '$E2E_TMP/ci-secret.asc')\"; export TOLLGATE_ATTESTER_KEY
    $(cat "$scripts/github-key.sh")
    $(sed "s#\${{ matrix.shard }}#$shard#" "$scripts/github-attest.sh")
    $(cat "$scripts/github-push.sh")"
  ci_job "github-${shard%/*}" bash "$origin" "$steps" || fail "github: the steps of shard $shard"
done
git fetch -q origin 'refs/tollgate/*:refs/tollgate/*'
tg attestations
expect_out "✔ pytest: attested in ${#shard_list[@]} shards by CI" "github: every shard pushed its attestation"
clear_logs
tg --json promote --dry-run
expect_code 0 "github: the dry run with the attested shards"
ran "$MARKER" && fail "github: pytest ran on the promoter's side"

# GitLab: `parallel` jobs, the push through the token URL (here rewritten to the bare origin).
parallel=$(cat "$scripts/gitlab-parallel")
for index in $(seq 1 "$parallel"); do
  steps="set -e
    git config --global url.'$gitlab_origin'.insteadOf 'https://oauth2:secret-token@gitlab.example/team/app.git'
    export TOLLGATE_ATTESTER_KEY='$E2E_TMP/ci-secret.asc' CI_NODE_INDEX=$index CI_NODE_TOTAL=$parallel
    export TOLLGATE_PUSH_TOKEN=secret-token CI_SERVER_HOST=gitlab.example CI_PROJECT_PATH=team/app
    $(cat "$scripts/gitlab-prepare.sh")
    $(cat "$scripts/gitlab-script.sh")"
  ci_job "gitlab-$index" sh "$gitlab_origin" "$steps" || fail "gitlab: the script of job $index/$parallel"
done
git -C "$maintainer" fetch -q "$gitlab_origin" '+refs/tollgate/attestations/*:refs/tollgate/gitlab-check/*'
[ "$(git for-each-ref "refs/tollgate/gitlab-check/$TREE/pytest" | wc -l)" = "$parallel" ] ||
  fail "gitlab: one pytest attestation per job: $(git for-each-ref refs/tollgate/gitlab-check)"

finish
