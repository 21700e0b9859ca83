#!/usr/bin/env bash
# Installs every Debian 12 package TLScope needs to build, run and test.
# Used by the README commands and by .ci/run, so a fresh machine needs nothing else.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libqt6svg6-dev qt6-image-formats-plugins
  libvtk9-dev libhdf5-dev hdf5-tools libeigen3-dev libbenchmark-dev
  libgl-dev libglx-dev libgl1-mesa-dri xvfb xauth
  clang libclang-rt-14-dev
  libopenmpi-dev openmpi-bin  # mpirun campaigns (docs/cluster.md)
  lammps  # LAMMPS recomputes our energies (test_lammps) and is the speed reference (compare_lammps.sh)
)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
