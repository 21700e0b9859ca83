#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds TLScope and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTLSCOPE_BUILD_TESTS=ON -DTLSCOPE_WERROR=ON
cmake --build build --parallel "$(nproc)"
cd build
ctest --output-on-failure --parallel "$(nproc)"
