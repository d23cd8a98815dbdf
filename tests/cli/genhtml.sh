#!/bin/sh
# genhtml.sh LIVECOV: livecov's lcov output, read by genhtml (Debian's lcov
# package). Without genhtml the test says why and is reported as skipped.
set -eu
livecov=$1
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v genhtml >/dev/null 2>&1; then
  echo "SKIP: genhtml not found (install Debian's lcov package to run this test)"
  exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/livecov-genhtml-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cp -R "$here/project/." "$dir/"
cd "$dir"
"$livecov" run --lcov out.info >run.log 2>&1 || { cat run.log; exit 1; }
genhtml --quiet --output-directory html out.info >genhtml.log 2>&1 || { cat genhtml.log; exit 1; }
# genhtml must have understood every record: one page per source file,
# and its totals must be livecov's.
for f in calc.lua empty.lua unused.lua deep.lua; do
  find html -name "$f.gcov.html" | grep -q . || { echo "no page for $f"; exit 1; }
done
lf=$(awk -F: '/^LF:/ { n += $2 } END { print n }' out.info)
lh=$(awk -F: '/^LH:/ { n += $2 } END { print n }' out.info)
grep -q ">$lh<" html/index.html && grep -q ">$lf<" html/index.html || {
  echo "genhtml's totals differ from LF=$lf LH=$lh"; exit 1; }
echo "genhtml read $(grep -c '^SF:' out.info) files, $lh of $lf lines"
