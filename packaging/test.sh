#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds TLScope and runs the whole test suite: the Qt Test
# suites (GCC build) and the libFuzzer harnesses for every file reader (clang + ASan + UBSan,
# 20 s each from their seed corpora; docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTLSCOPE_BUILD_TESTS=ON -DTLSCOPE_WERROR=ON
cmake --build build --parallel "$(nproc)"
(cd build && ctest --output-on-failure --parallel "$(nproc)")
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
      -DCMAKE_CXX_COMPILER=clang++ -DTLSCOPE_FUZZ=ON -DTLSCOPE_WERROR=ON
cmake --build build-fuzz --parallel "$(nproc)"
(cd build-fuzz && ctest --output-on-failure --parallel "$(nproc)")
