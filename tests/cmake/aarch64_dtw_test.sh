#!/usr/bin/env bash
# The DTW sources (and what they include: core/, Eigen) build for arm64: compiled with Debian's
# g++-aarch64-linux-gnu, then the object is checked to be AArch64 code with no x86 builtins left.
# Where qemu-user is installed, the DTW sources and aarch64_dtw_check.cc are also linked statically
# and run under it: the generic kernels must give the textbook table's bits there too.
# Exit 77 (skipped) where the cross compiler is not installed.
# usage: aarch64_dtw_test.sh SOURCE_ROOT WORK_DIR
set -euo pipefail
src=$1 work=$2
compiler=$(command -v aarch64-linux-gnu-g++ || true)
if [ -z "$compiler" ]; then
  echo "aarch64-linux-gnu-g++ not installed (scripts/setup installs g++-aarch64-linux-gnu)"
  exit 77
fi
mkdir -p "$work"
flags=(-std=c++17 -O2 -fno-math-errno -Wall -Wextra -Wno-unused-parameter -Werror
       -I"$src" -I/usr/include/eigen3)
objects=()
for source in mapping/dtw.cc mapping/frame_distance.cc mapping/all_pairs.cc core/rotation.cc \
              tests/cmake/aarch64_dtw_check.cc; do
  object="$work/$(basename "$source" .cc).aarch64.o"
  "$compiler" "${flags[@]}" -c "$src/$source" -o "$object"
  file "$object" | grep -q "ARM aarch64" || { echo "$object is not AArch64 code"; exit 1; }
  if aarch64-linux-gnu-nm "$object" | grep -q "cpu_model\|cpu_indicator"; then
    echo "$object refers to x86 CPU detection"; exit 1
  fi
  objects+=("$object")
  echo "ok: $source"
done

qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [ -z "$qemu" ]; then
  echo "qemu-user not installed (scripts/setup installs qemu-user-static): compiled only"
  exit 0
fi
# all_pairs.cc is compiled above but not linked: the check needs no threads
"$compiler" -static -o "$work/dtw_check.aarch64" \
  "$work/dtw.aarch64.o" "$work/frame_distance.aarch64.o" "$work/rotation.aarch64.o" \
  "$work/aarch64_dtw_check.aarch64.o"
"$qemu" "$work/dtw_check.aarch64"
