#!/usr/bin/env bash
# Installs what tollgate needs to build, test and package (dpkg-dev: dpkg-shlibdeps for cpack; the
# shells: the completion scenarios), from Debian's packages only.
# Idempotent: does nothing (and needs no network) when everything is present.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libgit2-dev libgpgme-dev libcli11-dev libyaml-cpp-dev catch2
  nlohmann-json3-dev libre2-dev libseccomp-dev librnp-dev libkainjow-mustache-dev libfmt-dev libmbedtls-dev
  git gnupg pre-commit python3-pytest firejail bubblewrap util-linux ccache
  dpkg-dev file bash-completion zsh fish
)
# Extra packages for optional tools: `--with-bench` (hyperfine, GNU time, Google Benchmark; the peers
# come from npm), `--with-fuzz` (clang, libFuzzer), `--with-format` (clang-format).
for arg in "$@"; do
  case "$arg" in
    --with-bench) packages+=(hyperfine time libbenchmark-dev) ;;
    --with-fuzz) packages+=(clang libclang-rt-14-dev) ;;
    --with-format) packages+=(clang-format) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 3; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi
