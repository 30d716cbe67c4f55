#!/usr/bin/env bash
# Installs every Debian package qat needs on a fresh Debian 12 machine.
# Idempotent: running it twice is a no-op the second time.
set -euo pipefail

PKGS=(
  # toolchain and build
  cmake ninja-build ccache g++ git
  # LLVM/MLIR 22 (libMLIR.so, headers, mlir-tblgen, lit, FileCheck)
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools llvm-22
  # tests
  libgtest-dev python3 python3-numpy
  # data
  dataset-fashion-mnist zlib1g-dev
  # qat-run train --plot
  gnuplot-nox
  # qat-import: the ONNX protobuf classes and runtime
  libonnx-dev libprotobuf-dev
  # qat-import's libFuzzer target (a bounded fuzz run is part of the tests)
  clang-22 libclang-rt-22-dev
  # LLVM's OpenMP runtime: code compiled for more than one thread
  libomp-22-dev
  # scripts/check-format.sh (the CI format step)
  clang-format-22
  # AArch64 objects of qat-compile: static linking and running under qemu
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross gzip
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all packages already installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
