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
  # qat-import, qat-export: the ONNX protobuf classes and runtime;
  # onnx.checker on exported models (tests)
  libonnx-dev libprotobuf-dev python3-onnx
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
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime for the tests of qat-export (test/Export): the npm package at a
# pinned version in a fixed directory that CMake passes to lit. Its install
# script only fetches the CUDA/TensorRT providers; the CPU provider's
# binaries are in the package, so --ignore-scripts leaves a working binding.
# Without node/npm the ONNX Runtime tests are skipped with a reason.
ORT_NODE_VERSION=1.31.1
ORT_NODE_DIR=/opt/qat/onnxruntime-node-$ORT_NODE_VERSION
if [ -f "$ORT_NODE_DIR/node_modules/onnxruntime-node/package.json" ]; then
  echo "setup: onnxruntime-node $ORT_NODE_VERSION already installed"
elif command -v npm > /dev/null 2>&1; then
  echo "setup: installing onnxruntime-node $ORT_NODE_VERSION in $ORT_NODE_DIR"
  $SUDO mkdir -p "$ORT_NODE_DIR"
  $SUDO npm install --prefix "$ORT_NODE_DIR" --ignore-scripts --no-audit \
    --no-fund --no-save "onnxruntime-node@$ORT_NODE_VERSION"
else
  echo "setup: npm not found: the ONNX Runtime tests of qat-export will be" \
    "skipped (install Node.js and npm, then run this script again)"
fi
