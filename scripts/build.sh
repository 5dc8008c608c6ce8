#!/bin/sh
# Builds dist/: the second half of the package's `prepare` (after setup-node.sh). An app that
# installs a clone by its path (`npm install ../eddy`) links the folder and runs `prepare` in it
# without installing the clone's own devDependencies, so on a clone where `npm install` never ran
# the compiler is missing: install them first, exactly as package-lock.json pins them (`npm ci`
# leaves the lockfile as it is; --ignore-scripts, because this is already inside `prepare`).
set -eu
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/tsc ]; then
  echo "build: installing the build's dependencies first (npm ci)" >&2
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
exec npm run -s build
