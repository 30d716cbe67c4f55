// RUN: qat-opt %s --convert-qat-dot-to-llvm -split-input-file -verify-diagnostics | FileCheck %s
// RUN: not qat-opt %s -split-input-file --convert-qat-dot-to-llvm=arch=riscv64 2>&1 | FileCheck %s --check-prefix=ARCH

// ARCH: error: convert-qat-dot-to-llvm: unknown arch 'riscv64' (x86_64, aarch64)

// CHECK-LABEL: func.func @vnni512
// CHECK-SAME: (%[[A:.*]]: vector<16xi32>, %[[X:.*]]: vector<64xi8>, %[[W:.*]]: vector<64xi8>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[A]], %[[X]], %[[W]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: return %[[R]]
func.func @vnni512(%a: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %r = qat.dot_accumulate %a, %x, %w : vector<64xi8> -> vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// CHECK-LABEL: func.func @vnni256
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
func.func @vnni256(%a: vector<8xi32>, %x: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  %r = qat.dot_accumulate %a, %x, %w : vector<32xi8> -> vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// 16-bit operands: vpmaddwd, then the accumulation.
// CHECK-LABEL: func.func @avx2
// CHECK-SAME: (%[[A:.*]]: vector<8xi32>, %[[X:.*]]: vector<16xi16>, %[[W:.*]]: vector<16xi16>)
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[X]], %[[W]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: %[[R:.*]] = arith.addi %[[A]], %[[P]] : vector<8xi32>
// CHECK: return %[[R]]
func.func @avx2(%a: vector<8xi32>, %x: vector<16xi16>, %w: vector<16xi16>) -> vector<8xi32> {
  %r = qat.dot_accumulate %a, %x, %w : vector<16xi16> -> vector<8xi32>
  return %r : vector<8xi32>
}

// -----

func.func @no_instruction(%a: vector<2xi32>, %x: vector<8xi8>, %w: vector<8xi8>) -> vector<2xi32> {
  // expected-error @below {{'qat.dot_accumulate' op has no x86 instruction for 2 lanes}}
  %r = qat.dot_accumulate %a, %x, %w : vector<8xi8> -> vector<2xi32>
  return %r : vector<2xi32>
}

// -----

func.func @signed_bytes(%a: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  // expected-error @below {{'qat.dot_accumulate' op signed x signed bytes need AVX-VNNI-INT8, which qat does not target}}
  %r = qat.dot_accumulate %a, %x, %w {lhs_signed} : vector<64xi8> -> vector<16xi32>
  return %r : vector<16xi32>
}

// -----

func.func @mmla(%a: vector<4xi32>, %x: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  // expected-error @below {{'qat.mmla_accumulate' op is an Arm i8mm instruction; x86 has none}}
  %r = qat.mmla_accumulate %a, %x, %w : vector<16xi8> -> vector<4xi32>
  return %r : vector<4xi32>
}
