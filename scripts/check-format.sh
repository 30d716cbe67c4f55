#!/usr/bin/env bash
# Fails (exit 1) when a tracked C/C++ file is not formatted by .clang-format
# (LLVM style) with Debian's clang-format-22, and names each such file with
# the first lines that differ. `--fix` formats them in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT="${CLANG_FORMAT:-clang-format-22}"
if ! command -v "$CLANG_FORMAT" >/dev/null; then
  echo "check-format: $CLANG_FORMAT not found (scripts/setup.sh installs it)" >&2
  exit 1
fi
# A failing git (e.g. a checkout owned by another user) must not pass as
# "nothing to check": its status stops the script here.
list=$(git ls-files '*.cpp' '*.h' '*.c')
[ -n "$list" ] || { echo "check-format: git lists no C/C++ files" >&2; exit 1; }
mapfile -t files <<< "$list"
if [ "${1:-}" = "--fix" ]; then
  "$CLANG_FORMAT" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! diff -u "$f" <("$CLANG_FORMAT" "$f") > /tmp/check-format.$$ 2>&1; then
    echo "check-format: $f is not formatted by $("$CLANG_FORMAT" --version | head -1) (scripts/check-format.sh --fix):"
    sed -n '3,12p' /tmp/check-format.$$
    bad=$((bad + 1))
  fi
done
rm -f /tmp/check-format.$$
if [ "$bad" -ne 0 ]; then
  echo "check-format: $bad of ${#files[@]} files need formatting" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
