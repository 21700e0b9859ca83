#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds TLScope and opens it on its built-in demo glass.
# Extra arguments go to the application (e.g. --screenshot shot.png).
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --parallel "$(nproc)"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-demo: no display found; running under xvfb-run (use --screenshot FILE to see it)" >&2
  exec xvfb-run -a -s '-screen 0 1600x1000x24' ./build/app/tlscope --demo "$@"
fi
exec ./build/app/tlscope --demo "$@"
