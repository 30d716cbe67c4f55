// RUN: qat-opt %s --qat-to-llvm | FileCheck %s
// RUN: qat-opt %s --qat-to-llvm | FileCheck %s --check-prefix=ONLY-LLVM

// The full pipeline on a small model: linear + relu with parameters, and a
// conv + max-pool feature extractor. The result is LLVM dialect only.

// Nothing but LLVM dialect ops is left (an op name, custom or generic, at
// the start of a line or after `=`, from any other dialect).
// ONLY-LLVM-NOT: {{(^ *|= )"?(builtin\.unrealized_conversion_cast|func|arith|math|memref|linalg|tensor|scf|cf|affine|bufferization|ml_program|qat|index|vector|ub)\.}}
// ONLY-LLVM: llvm.func @forward(
// ONLY-LLVM-NOT: {{(^ *|= )"?(builtin\.unrealized_conversion_cast|func|arith|math|memref|linalg|tensor|scf|cf|affine|bufferization|ml_program|qat|index|vector|ub)\.}}

// Parameters and state are external (public) LLVM globals with their
// initial values.
// CHECK-DAG: llvm.mlir.global external @fc.weight(dense<5.000000e-01> : tensor<3x4xf32>) {{.*}} : !llvm.array<3 x array<4 x f32>>
// CHECK-DAG: llvm.mlir.global external @fc.bias(dense<1.000000e-01> : tensor<3xf32>) {{.*}} : !llvm.array<3 x f32>
// CHECK-DAG: llvm.mlir.global external @conv.weight(dense<2.500000e-01> : tensor<2x1x3x3xf32>) {{.*}} : !llvm.array<2 x array<1 x array<3 x array<3 x f32>>>>
// CHECK-DAG: llvm.mlir.global external @steps(dense<0> : tensor<1xi32>) {{.*}} : !llvm.array<1 x i32>

// The tensor<2x3xf32> result becomes a caller-owned out-parameter: the
// function takes the expanded input memref (7 values) then the output
// memref (7 values), returns nothing, writes the result through the
// output's aligned pointer (%arg8) and allocates nothing on the heap.
// CHECK-LABEL: llvm.func @forward(
// CHECK-SAME: %arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: i64, %arg3: i64, %arg4: i64, %arg5: i64, %arg6: i64,
// CHECK-SAME: %arg7: !llvm.ptr, %arg8: !llvm.ptr, %arg9: i64, %arg10: i64, %arg11: i64, %arg12: i64, %arg13: i64) -> i32
// CHECK-SAME: attributes {{{.*}}llvm.emit_c_interface{{.*}}}
// CHECK-DAG: llvm.mlir.addressof @fc.weight : !llvm.ptr
// CHECK-DAG: llvm.mlir.addressof @fc.bias : !llvm.ptr
// CHECK-DAG: %[[OOM:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-DAG: %[[OK:.*]] = llvm.mlir.constant(0 : i32) : i32
// Both temporaries are allocated and tested on entry: on null, the
// function frees them and returns 1 before it touches anything
// (qat-check-allocations). Success and failure share the frees.
// CHECK: %[[T0:.*]] = llvm.call @aligned_alloc(
// CHECK: %[[T1:.*]] = llvm.call @aligned_alloc(
// CHECK-NEXT: %[[I0:.*]] = llvm.ptrtoint %[[T0]] : !llvm.ptr to i64
// CHECK-NEXT: %[[N0:.*]] = llvm.icmp "eq" %[[I0]], %{{.*}} : i64
// CHECK-NEXT: %[[I1:.*]] = llvm.ptrtoint %[[T1]] : !llvm.ptr to i64
// CHECK-NEXT: %[[N1:.*]] = llvm.icmp "eq" %[[I1]], %{{.*}} : i64
// CHECK-NEXT: %[[ANY:.*]] = llvm.or %[[N0]], %[[N1]] : i1
// CHECK-NEXT: llvm.cond_br %[[ANY]] weights([1, 2000]), ^[[END:bb[0-9]+]](%[[OOM]] : i32), ^
// CHECK: llvm.intr.fma
// CHECK: llvm.cond_br %{{.*}}, ^{{.*}}, ^[[END]](%[[OK]] : i32)
// CHECK: llvm.intr.maximum
// CHECK: %[[OUT:.*]] = llvm.getelementptr {{.*}}%arg8[
// CHECK: llvm.store %{{.*}}, %[[OUT]] : f32, !llvm.ptr
// CHECK-NOT: llvm.call @{{(malloc|aligned_alloc)}}
// CHECK: ^[[END]](%[[S:.*]]: i32):
// CHECK-NEXT: llvm.call @free(%[[T0]])
// CHECK-NEXT: llvm.call @free(%[[T1]])
// CHECK-NEXT: llvm.return %[[S]] : i32

// CHECK-LABEL: llvm.func @_mlir_ciface_forward(%arg0: !llvm.ptr, %arg1: !llvm.ptr) -> i32
// CHECK: %[[IN:.*]] = llvm.load %arg0 : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[RES:.*]] = llvm.load %arg1 : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[S:.*]] = llvm.call @forward({{.*}}) : (!llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, !llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64) -> i32
// CHECK: llvm.return %[[S]] : i32

// conv (zero padded) + relu + max-pool: input and output are rank-4 memrefs
// (11 values each); the result is an out-parameter.
// CHECK-LABEL: llvm.func @features(
// CHECK-SAME: %arg11: !llvm.ptr, %arg12: !llvm.ptr,
// CHECK-SAME: %arg21: i64) -> i32
// CHECK: llvm.mlir.addressof @conv.weight : !llvm.ptr
// CHECK: llvm.intr.maximum
// CHECK: llvm.getelementptr {{.*}}%arg12[
// CHECK: llvm.return %{{.*}} : i32
// CHECK-LABEL: llvm.func @_mlir_ciface_features(%arg0: !llvm.ptr, %arg1: !llvm.ptr) -> i32
// CHECK: llvm.call @features({{.*}}) : ({{.*}}) -> i32

// A function without results gets a wrapper too (returning the status);
// qat.store became a copy into the global.
// CHECK-LABEL: llvm.func @count(
// CHECK: %[[G:.*]] = llvm.mlir.addressof @steps : !llvm.ptr
// CHECK: %[[GP:.*]] = llvm.getelementptr %[[G]][0, 0]
// CHECK: "llvm.intr.memcpy"(%[[GP]],
// CHECK-LABEL: llvm.func @_mlir_ciface_count(%arg0: !llvm.ptr)
// CHECK: llvm.call @count(

qat.param @fc.weight = dense<0.5> : tensor<3x4xf32>
qat.param @fc.bias = dense<0.1> : tensor<3xf32>
qat.param @conv.weight = dense<0.25> : tensor<2x1x3x3xf32>
qat.param state @steps = dense<0> : tensor<1xi32>

func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = qat.load @fc.weight : tensor<3x4xf32>
  %b = qat.load @fc.bias : tensor<3xf32>
  %y = qat.linear %x, %w, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %r = qat.relu %y : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

func.func @features(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x2x2xf32> {
  %w = qat.load @conv.weight : tensor<2x1x3x3xf32>
  %c = qat.conv2d %x, %w {padding = array<i64: 1, 1>}
      : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32>
  %r = qat.relu %c : tensor<1x2x6x6xf32>
  %p = qat.max_pool2d %r {kernel_size = array<i64: 3, 3>}
      : tensor<1x2x6x6xf32> -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}

func.func @count(%s: tensor<1xi32>) {
  qat.store %s, @steps : tensor<1xi32>
  return
}
