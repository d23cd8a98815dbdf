#!/usr/bin/env bash
# npm.sh DIR ARGS...: runs `npm ARGS` in DIR (editors/vscode). Exits 77
# (CTest: skipped) with the reason when DIR's dependencies are not installed.
set -euo pipefail
cd "$1"
shift
if [ ! -d node_modules ]; then
  echo "SKIPPED: $(pwd)/node_modules is missing: run 'npm ci' in $(pwd)"
  exit 77
fi
exec npm "$@"
