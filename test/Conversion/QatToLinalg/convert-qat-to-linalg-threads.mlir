// RUN: qat-opt %s --convert-qat-to-linalg="threads=2" -split-input-file | FileCheck %s
// RUN: qat-opt %s --convert-qat-to-linalg -split-input-file | FileCheck %s --check-prefix=ONE
// RUN: qat-opt %s --convert-qat-to-linalg="threads=3" -split-input-file | FileCheck %s --check-prefix=THREE

// A convolution over 8 images: one scf.forall iteration per image (all its
// rows), each computing into its slice of C with the same tiles as one
// thread does.
// CHECK-LABEL: func.func @conv_images
// CHECK: %[[OUT:.*]] = scf.forall (%[[N:.*]], %[[B:.*]]) in (8, 1) shared_outs(%[[C:.*]] = %{{.*}}) -> (tensor<{{[0-9]+}}xf32>)
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %[[C]][%[[OFF:.*]]] [{{[0-9]+}}] [1]
// CHECK: math.fma
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<{{[0-9]+}}xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %{{.*}} into %[[C]][%[[OFF]]]
// ONE-LABEL: func.func @conv_images
// ONE-NOT: scf.forall
func.func @conv_images(%x: tensor<8x16x18x18xf32>, %w: tensor<32x16x3x3xf32>) -> tensor<8x32x16x16xf32> {
  %y = qat.conv2d %x, %w : (tensor<8x16x18x18xf32>, tensor<32x16x3x3xf32>) -> tensor<8x32x16x16xf32>
  return %y : tensor<8x32x16x16xf32>
}

// -----

// One GEMM (y^T = w x^T, 256 rows of 4-row tiles): two blocks of 128 rows.
// CHECK-LABEL: func.func @linear_rows
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 2) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<16384xf32>)
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}] [8192] [1] : tensor<16384xf32> to tensor<8192xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NOT: scf.for
// CHECK: return
// ONE-LABEL: func.func @linear_rows
// ONE-NOT: scf.forall
// Three threads: blocks of 84 rows, then the last 4 rows on this thread.
// THREE-LABEL: func.func @linear_rows
// THREE: scf.forall (%{{.*}}, %{{.*}}) in (1, 3)
// THREE: tensor.extract_slice %{{.*}}[%{{.*}}] [5376] [1] : tensor<16384xf32> to tensor<5376xf32>
// THREE: scf.forall.in_parallel
// THREE: scf.for
// THREE: math.fma
func.func @linear_rows(%x: tensor<64x784xf32>, %w: tensor<256x784xf32>, %b: tensor<256xf32>) -> tensor<64x256xf32> {
  %y = qat.linear %x, %w, %b : (tensor<64x784xf32>, tensor<256x784xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

// Too little work to wake a second thread (16 x 20 x 10 multiply-adds).
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.forall
func.func @small(%x: tensor<16x10xf32>, %w: tensor<20x10xf32>, %b: tensor<20xf32>) -> tensor<16x20xf32> {
  %y = qat.linear %x, %w, %b : (tensor<16x10xf32>, tensor<20x10xf32>, tensor<20xf32>) -> tensor<16x20xf32>
  return %y : tensor<16x20xf32>
}
