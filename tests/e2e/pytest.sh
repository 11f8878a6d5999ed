# The pytest check runs the real pytest: passing, failing, and no tests collected.
source "$(dirname "$0")/lib.bash"

repo="$E2E_TMP/repo"
new_repo "$repo"
mkdir -p "$repo/tests"
cat >"$repo/tests/test_math.py" <<'PY'
import pytest

def test_add():
    assert 1 + 1 == 2

def test_sub():
    assert 3 - 1 == 2

@pytest.mark.skip(reason="not yet")
def test_later():
    pass
PY
write_config "$repo" <<'YAML'
checks:
  - pytest: {timeout: 120}
YAML

tg -C "$repo" check
expect_code 0 "passing suite"
expect_out '^pass +pytest .*2 passed, 1 skipped' "summary from pytest's result line"

cat >>"$repo/tests/test_math.py" <<'PY'

def test_broken():
    assert 2 * 2 == 5, "arithmetic is broken"
PY
tg -C "$repo" check
expect_code 1 "failing suite"
expect_out '^fail +pytest .*1 failed, 2 passed, 1 skipped' "failure summary"
expect_out 'arithmetic is broken' "the tail of the log shows the assertion"

tg -C "$repo" --json check
[ "$(json_get 'd["checks"][0]["details"]["failed"]')" = 1 ] || fail "json failed count"
[ "$(json_get 'd["checks"][0]["details"]["passed"]')" = 2 ] || fail "json passed count"

rm -rf "$repo/tests"
tg -C "$repo" check
expect_code 1 "no tests collected fails"
expect_out '^fail +pytest .*no tests collected \(exit 5\)' "says no tests were collected"

write_config "$repo" <<'YAML'
checks:
  - pytest: {allow_no_tests: true}
YAML
tg -C "$repo" check
expect_code 0 "no tests allowed by configuration"

finish
