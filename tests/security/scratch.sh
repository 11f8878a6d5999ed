# Attacks on the machine's memory through the in-memory file systems of the sandbox: the memory
# limit (SANDBOX_MEM_MB) is RLIMIT_AS per process where cgroup v2 is not delegated, and files in a
# tmpfs are not address space, so a check that writes its data to /tmp, /var/tmp, /dev/shm or HOME
# instead of holding it would use the machine's memory without limit (each tmpfs is half the RAM by
# default, several of them more than all of it). The writable scratch is capped at the memory
# limit, and the empty directories that hide paths (/run, /root, /home, HOME, ...) and the fresh
# /dev are read-only. Each attack has a control (a write well within the limit succeeds). Runs
# through a snapshot (`check HEAD`, what `promote` and `gate` do), on every backend present.
source "$(dirname "$0")/lib.bash"

chmod 0711 "$E2E_TMP" # bwrap mounts as `nobody`, which must reach the repository
for backend in "${BACKENDS[@]}"; do
  repo="$E2E_TMP/repo-$backend"
  new_repo "$repo"
  printf 'SANDBOX_CPU_SEC=60\nSANDBOX_MEM_MB=64\n' >"$repo/.env"
  cat >"$repo/fill.sh" <<'SH'
#!/bin/sh
# `fill DIR MiB`: writes MiB mebibytes to DIR; says WROTE or REFUSED, then removes the file.
fill() {
  if head -c "$2M" /dev/zero >"$1/tollgate-fill" 2>/dev/null; then echo "WROTE $2 MiB in $1"; else echo "REFUSED $2 MiB in $1"; fi
  rm -f "$1/tollgate-fill"
}
for dir in /tmp /var/tmp /dev/shm "$HOME"; do
  fill "$dir" 16
  fill "$dir" 256
done
for dir in /run /root /home /dev; do
  if (echo x >"$dir/tollgate-hidden") 2>/dev/null; then echo "WROTE in hidden $dir"; rm -f "$dir/tollgate-hidden"; fi
done
echo x >"$PWD/tollgate-tree" && echo "WROTE the tree"
echo done
SH
  chmod +x "$repo/fill.sh"
  attack_config "$repo" "$backend" <<YAML
checks:
  - sandbox-limits: {sources: [.env], max: {SANDBOX_CPU_SEC: 600, SANDBOX_MEM_MB: 65536}}
  - command: {id: fill, run: ./fill.sh, timeout: 120}
YAML
  git -C "$repo" add -A && git -C "$repo" commit -qm "test: fill the in-memory scratch"
  tg -C "$repo" check HEAD
  expect_code 0 "[$backend] the check runs in the snapshot"
  log=$(ls -d "$repo"/.git/tollgate/logs/*/ | tail -1)
  grep -q '^done$' "$log/fill.log" || fail "[$backend] the check did not finish: $(cat "$log/fill.log")"
  grep -q '^WROTE the tree$' "$log/fill.log" || fail "[$backend] control: the check cannot write its own tree"
  if [ "$backend" = firejail ]; then
    # firejail has no size option for its private /tmp, home and /dev: docs/security.md says so.
    continue
  fi
  for dir in /tmp /var/tmp /dev/shm /tmp/home; do
    grep -q "^WROTE 16 MiB in $dir\$" "$log/fill.log" || fail "[$backend] control: 16 MiB in $dir refused: $(cat "$log/fill.log")"
    grep -q "^REFUSED 256 MiB in $dir\$" "$log/fill.log" || fail "[$backend] 256 MiB in $dir past a 64 MiB limit: $(cat "$log/fill.log")"
  done
  if grep -q "WROTE in hidden" "$log/fill.log"; then
    fail "[$backend] a hiding directory is writable: $(grep "WROTE in hidden" "$log/fill.log" | tr '\n' ' ')"
  fi
done

finish
