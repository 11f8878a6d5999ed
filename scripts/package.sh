#!/usr/bin/env bash
# The Debian package, from a clean tree in one command: installs what is missing from Debian's
# packages (scripts/install-deps.sh), builds a plain Release build without the tests in
# build/package, and runs `cpack -G DEB` there (stripped; Depends computed by dpkg-shlibdeps).
# Usage: scripts/package.sh    -> build/package/tollgate_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build/package -G Ninja -DCMAKE_BUILD_TYPE=Release -DTOLLGATE_TESTS=OFF "${launcher[@]}" >/dev/null
cmake --build build/package
(cd build/package && cpack -G DEB >/dev/null)
deb=$(ls build/package/tollgate_*.deb)
echo "$deb ($(stat -c %s "$deb") bytes)"
