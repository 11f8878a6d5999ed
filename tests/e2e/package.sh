#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` in the build directory under test (the ci preset's optimised
# binary, stripped by CPack as in scripts/package.sh's Release build), unpacked into a scratch root
# with `dpkg-deb -x`; the binary runs from there, and the man page and completions are where
# Debian's tools look for them.
source "$(dirname "$0")/lib.bash"

build=$(dirname "$TOLLGATE")
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { fail "$tool is missing (scripts/install-deps.sh installs it)"; finish; }
done
[ -f "$build/CPackConfig.cmake" ] || { fail "no CPackConfig.cmake in $build"; finish; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$E2E_TMP/pkg" >"$E2E_TMP/cpack.log" 2>&1 ||
  { fail "cpack failed: $(tail -20 "$E2E_TMP/cpack.log")"; finish; }
version=$("$TOLLGATE" --version | awk '{print $2}')
deb="$E2E_TMP/pkg/tollgate_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { fail "no $deb: $(ls "$E2E_TMP/pkg")"; finish; }

# Small (stripped), and Depends computed from the shared libraries the binary links.
size=$(stat -c %s "$deb")
echo "package: $(basename "$deb"), $size bytes"
if grep -q '^TOLLGATE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "package: an instrumented (sanitizer) build; the 5 MB bound applies to optimised builds only"
elif [ "$size" -ge $((5 * 1024 * 1024)) ]; then
  fail "the package is $size bytes, not under 5 MB"
fi
depends=$(dpkg-deb -f "$deb" Depends)
for library in libgit2 libgpgme libyaml-cpp libre2 libseccomp librnp libfmt libmbedcrypto libstdc++6 "gpg,"; do
  grep -qF "$library" <<<"$depends, " || fail "Depends lacks $library: $depends"
done

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for file in ./usr/bin/tollgate ./usr/share/man/man1/tollgate.1.gz \
  ./usr/share/bash-completion/completions/tollgate ./usr/share/zsh/vendor-completions/_tollgate \
  ./usr/share/fish/vendor_completions.d/tollgate.fish ./usr/share/doc/tollgate/README.md \
  ./usr/share/doc/tollgate/configuration.md ./usr/share/tollgate/templates/tollgate.yaml.mustache \
  ./usr/share/tollgate/templates/changelog/section.mustache; do
  grep -qxF "$file" <<<"$contents" || fail "the package lacks $file"
done
grep -q 'CMakeLists.txt' <<<"$contents" && fail "the package ships a CMakeLists.txt"

root="$E2E_TMP/root"
dpkg-deb -x "$deb" "$root"
installed="$root/usr/bin/tollgate"
file "$installed" | grep -q ", stripped" || fail "the binary is not stripped: $(file "$installed")"
[ "$("$installed" --version)" = "tollgate $version" ] || fail "the installed binary's --version"

# The installed binary does its job: a checklist in a repository.
repo="$E2E_TMP/repo"
new_repo "$repo"
write_config "$repo" <<'YAML'
sandbox: {network: allow}
checks:
  - command: {id: unit, run: "true"}
YAML
TOLLGATE="$installed" tg -C "$repo" check
expect_code 0 "the installed binary runs a checklist"
expect_out "checklist passed" "its report"

# The man page is the one in docs/, and the completions are the binary's own output.
cmp -s <(gzip -dc "$root/usr/share/man/man1/tollgate.1.gz") "$(dirname "$0")/../../docs/tollgate.1" ||
  fail "the packaged man page differs from docs/tollgate.1"
cmp -s "$root/usr/share/bash-completion/completions/tollgate" <("$installed" completion bash) ||
  fail "the packaged bash completion is not \`tollgate completion bash\`"
cmp -s "$root/usr/share/zsh/vendor-completions/_tollgate" <("$installed" completion zsh) ||
  fail "the packaged zsh completion is not \`tollgate completion zsh\`"
cmp -s "$root/usr/share/fish/vendor_completions.d/tollgate.fish" <("$installed" completion fish) ||
  fail "the packaged fish completion is not \`tollgate completion fish\`"

finish
