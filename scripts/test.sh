#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds (preset `ci` unless given), runs ctest.
# Usage: scripts/test.sh [PRESET]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}
bash scripts/build.sh "$preset"
ctest --preset "$preset"
