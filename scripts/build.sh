#!/usr/bin/env bash
# Builds a CMake preset (default: ci) after making sure the dependencies are there.
# Usage: scripts/build.sh [PRESET]
# With ccache installed (install-deps installs it), compilations are cached per user, keyed on paths
# relative to the checkout: a second checkout (CI's clean one) reuses what the first compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}
bash scripts/install-deps.sh
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" "${launcher[@]}" >/dev/null
fi
cmake --build --preset "$preset"
