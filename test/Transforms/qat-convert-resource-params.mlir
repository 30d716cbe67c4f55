// RUN: qat-opt %s --qat-convert | FileCheck %s

// A checkpoint keeps every parameter in a dense_resource blob, the i32 zero
// points an imported model holds too: convert reads them as it reads dense
// values (blobs: a 4-byte alignment, then 0.1f and 3).
// CHECK-LABEL: func.func @forward
// CHECK: qat.quantize %{{.*}} -> tensor<2x4x!quant.uniform<u8:f32, 0.10000000149011612:3>>
qat.param state @x.scale = dense_resource<s_blob> : tensor<1xf32>
qat.param state @x.zero_point = dense_resource<z_blob> : tensor<1xi32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = qat.load @x.scale : tensor<1xf32>
  %z = qat.load @x.zero_point : tensor<1xi32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = none>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  return %xq : tensor<2x4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      s_blob: "0x04000000CDCCCC3D",
      z_blob: "0x0400000003000000"
    }
  }
#-}
