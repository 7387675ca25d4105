#!/usr/bin/env bash
#
# update-common-passwords.sh
#
# Regenerates Infrastructure/Passwords/common-passwords.txt from the `passwords`
# dictionary shipped in the npm package @zxcvbn-ts/language-common
# (pinned: version 4.1.3, file package/src/passwords.json, a plain JSON array
# of ~49k strings; MIT licensed, https://github.com/zxcvbn-ts/zxcvbn).
#
# Output: one password per line, lower-cased, de-duplicated, empty lines
# removed, sorted with LC_ALL=C, UTF-8, LF line endings, no header lines.
#
# Requirements: bash, npm, node (>= 18), tar, sort.
#
# Usage (from any directory):
#   scripts/update-common-passwords.sh
# Override the pinned package version:
#   ZXCVBN_COMMON_VERSION=4.1.3 scripts/update-common-passwords.sh
#
set -euo pipefail

PACKAGE="@zxcvbn-ts/language-common"
VERSION="${ZXCVBN_COMMON_VERSION:-4.1.3}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
OUT_DIR="$REPO_ROOT/Infrastructure/Passwords"
OUT_FILE="$OUT_DIR/common-passwords.txt"

for cmd in npm node tar sort; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "error: '$cmd' is required" >&2; exit 1; }
done

WORK_DIR="$(mktemp -d)"
cleanup() { rm -rf "$WORK_DIR"; }
trap cleanup EXIT

echo "Downloading $PACKAGE@$VERSION ..." >&2
( cd "$WORK_DIR" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null )

TARBALL="$(find "$WORK_DIR" -maxdepth 1 -name '*.tgz' -print -quit)"
[ -n "$TARBALL" ] || { echo "error: npm pack produced no tarball" >&2; exit 1; }
tar -xzf "$TARBALL" -C "$WORK_DIR"

JSON_FILE="$WORK_DIR/package/src/passwords.json"
[ -f "$JSON_FILE" ] || { echo "error: $JSON_FILE not found in $PACKAGE@$VERSION" >&2; exit 1; }

# Extract, lower-case and drop empty/whitespace-only or multi-line entries.
node - "$JSON_FILE" > "$WORK_DIR/raw.txt" <<'JS'
const fs = require('fs');
const list = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
if (!Array.isArray(list)) { console.error('error: passwords.json is not an array'); process.exit(1); }
const out = [];
for (const entry of list) {
  if (typeof entry !== 'string') continue;
  const pw = entry.toLowerCase();
  if (pw.trim() === '' || /[\r\n]/.test(pw)) continue;
  out.push(pw);
}
process.stdout.write(out.join('\n') + '\n');
JS

mkdir -p "$OUT_DIR"
LC_ALL=C sort -u "$WORK_DIR/raw.txt" | LC_ALL=C grep -v '^$' > "$WORK_DIR/common-passwords.txt"

COUNT="$(wc -l < "$WORK_DIR/common-passwords.txt" | tr -d ' ')"
if [ "$COUNT" -lt 10000 ]; then
  echo "error: only $COUNT passwords extracted; refusing to overwrite $OUT_FILE" >&2
  exit 1
fi

mv "$WORK_DIR/common-passwords.txt" "$OUT_FILE"
echo "Wrote $COUNT passwords from $PACKAGE@$VERSION to $OUT_FILE" >&2
