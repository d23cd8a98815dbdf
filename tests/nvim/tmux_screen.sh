#!/usr/bin/env bash
# tmux_screen.sh: Neovim in a real terminal. Starts nvim inside a private
# tmux server on a copy of the calc fixture, saves the module, captures the
# pane and checks that the sign column shows livecov's sign texts on the
# right lines. Writes the captured screen to $1 (default: screen.txt).
# Needs LIVECOV_BIN; exits 77 (skipped) without tmux.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-screen.txt}
nvim=${NVIM:-nvim}
: "${LIVECOV_BIN:?LIVECOV_BIN must name the built livecov binary}"
if ! command -v tmux >/dev/null; then
  echo "tmux not found: terminal test skipped"
  exit 77
fi

work=$(mktemp -d)
sock="$work/tmux.sock"
cleanup() {
  tmux -S "$sock" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -R "$here/fixtures/calc" "$work/calc"
cat >"$work/init.lua" <<EOF
dofile("$here/minimal_init.lua")
vim.opt.number = true
vim.opt.laststatus = 0
vim.opt.ruler = false
vim.opt.showmode = false
require("livecov").setup({
  cmd = { "$LIVECOV_BIN", "lsp" },
  trusted_roots = { "$work/calc" },
  settings = { debounceMs = 20 },
})
EOF

export LC_ALL=C.UTF-8 LANG=C.UTF-8
tmux -S "$sock" -f /dev/null -u new-session -d -x 72 -y 22 \
  "cd '$work/calc' && '$nvim' --noplugin -u '$work/init.lua' src/calc.lua"

capture() { tmux -S "$sock" capture-pane -p -t 0; }

# Polls until the screen matches the extended regexp $1 (20 s at most).
wait_for() {
  for _ in $(seq 1 200); do
    if capture | grep -Eq -- "$1"; then
      return 0
    fi
    sleep 0.1
  done
  echo "timed out waiting for /$1/; screen:"
  capture
  return 1
}

wait_for '^ *1 -- calc: a small module' || exit 1
tmux -S "$sock" send-keys -t 0 ':w' Enter
# Line 10 (the zero branch) is uncovered, line 5 (calc.add) covered.
wait_for '^✗ +10 ' || exit 1
wait_for '^▎ +5 ' || exit 1
capture >"$out"

fail=0
check() {
  if ! grep -Eq -- "$1" "$out"; then
    echo "FAILED: no line matching /$1/ ($2)"
    fail=1
  fi
}
check '^▎ +5 +return a \+ b$' "covered sign on line 5"
check '^▎ +9 +if b == 0 then$' "covered sign on line 9"
check '^✗ +10 +return nil, "division by zero"$' "uncovered sign on line 10"
check '^▎ +12 +return a // b$' "covered sign on line 12"
check '^✗ +16 +return x \* 2$' "uncovered sign on line 16"
check '^ +1 -- calc' "no sign on the comment line"
check '^ +3$' "no sign on the blank line"
tmux -S "$sock" send-keys -t 0 Escape ':qa!' Enter
cat "$out"
if [ "$fail" -ne 0 ]; then
  exit 1
fi
echo "ok      tmux screen shows the sign texts"
