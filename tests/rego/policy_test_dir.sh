#!/bin/bash
# `tollgate policy test DIR` for the rego-real ctest label: exit 77 (skipped) when DIR is absent.
# Usage: policy_test_dir.sh TOLLGATE DIR
if [ ! -d "$2" ]; then
  echo "$2: absent, skipped"
  exit 77
fi
exec "$1" policy test "$2"
