// RUN: qat-opt %s --convert-qat-dot-to-llvm=arch=aarch64 -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @usdot
// CHECK-SAME: (%[[A:.*]]: vector<4xi32>, %[[X:.*]]: vector<16xi8>, %[[W:.*]]: vector<16xi8>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.usdot.v4i32.v16i8"(%[[A]], %[[X]], %[[W]]) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// CHECK: return %[[R]]
func.func @usdot(%a: vector<4xi32>, %x: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %r = qat.dot_accumulate %a, %x, %w : vector<16xi8> -> vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// CHECK-LABEL: func.func @sdot
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"
func.func @sdot(%a: vector<4xi32>, %x: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %r = qat.dot_accumulate %a, %x, %w {lhs_signed} : vector<16xi8> -> vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// CHECK-LABEL: func.func @usmmla
// CHECK-SAME: (%[[A:.*]]: vector<4xi32>, %[[X:.*]]: vector<16xi8>, %[[W:.*]]: vector<16xi8>)
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.usmmla.v4i32.v16i8"(%[[A]], %[[X]], %[[W]]) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
func.func @usmmla(%a: vector<4xi32>, %x: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %r = qat.mmla_accumulate %a, %x, %w : vector<16xi8> -> vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// 16-bit pairs: widen, multiply, add the even and odd products.
// CHECK-LABEL: func.func @neon
// CHECK-SAME: (%[[A:.*]]: vector<4xi32>, %[[X:.*]]: vector<8xi16>, %[[W:.*]]: vector<8xi16>)
// CHECK: %[[XW:.*]] = arith.extsi %[[X]] : vector<8xi16> to vector<8xi32>
// CHECK: %[[WW:.*]] = arith.extsi %[[W]] : vector<8xi16> to vector<8xi32>
// CHECK: %[[P:.*]] = arith.muli %[[XW]], %[[WW]] : vector<8xi32>
// CHECK: %[[E:.*]] = vector.shuffle %[[P]], %[[P]] [0, 2, 4, 6] : vector<8xi32>, vector<8xi32>
// CHECK: %[[O:.*]] = vector.shuffle %[[P]], %[[P]] [1, 3, 5, 7] : vector<8xi32>, vector<8xi32>
// CHECK: %[[S:.*]] = arith.addi %[[E]], %[[O]] : vector<4xi32>
// CHECK: %[[R:.*]] = arith.addi %[[A]], %[[S]] : vector<4xi32>
// CHECK: return %[[R]]
func.func @neon(%a: vector<4xi32>, %x: vector<8xi16>, %w: vector<8xi16>) -> vector<4xi32> {
  %r = qat.dot_accumulate %a, %x, %w : vector<8xi16> -> vector<4xi32>
  return %r : vector<4xi32>
}

// -----

func.func @no_instruction(%a: vector<8xi32>, %x: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  // expected-error @below {{'qat.dot_accumulate' op has no AArch64 instruction for 8 lanes}}
  %r = qat.dot_accumulate %a, %x, %w : vector<32xi8> -> vector<8xi32>
  return %r : vector<8xi32>
}
