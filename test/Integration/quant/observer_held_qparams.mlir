// RUN: qat-run %s --print | FileCheck %s
//
// An observer holding qparams (qat.observe ... qparams, as qat-import
// writes them for a QDQ model) returns them unless it updates its range:
// out of training, and in training with observer = none. In training with
// an observer it returns the qparams of the updated range. The held scale
// 0.3 and zero point 7 are not those of the range [-1, 1].
// CHECK: result 0: tensor<1xf32>
// CHECK-NEXT: 0.3
// CHECK: result 1: tensor<1xi32>
// CHECK-NEXT: 7
// CHECK: result 2: tensor<1xf32>
// CHECK-NEXT: 0.3
// CHECK: result 3: tensor<1xi32>
// CHECK-NEXT: 7
// The moving average: min = -1 + 0.01 * (-3 - -1) = -1.02, max = 1.02,
// scale = 2.04 / 255, zero point = 0 - roundeven(-1.02 / scale) = 128.
// CHECK: result 4: tensor<1xf32>
// CHECK-NEXT: 0.008{{$}}
// CHECK: result 5: tensor<1xi32>
// CHECK-NEXT: 128

qat.param state @min = dense<-1.0> : tensor<1xf32>
qat.param state @max = dense<1.0> : tensor<1xf32>
qat.param state @scale = dense<0.3> : tensor<1xf32>
qat.param state @zero_point = dense<7> : tensor<1xi32>

func.func @forward() -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xi32>) {
  %x = arith.constant dense<[[0.0, 3.0, -3.0, 1.0]]> : tensor<1x4xf32>
  %mn = qat.load @min : tensor<1xf32>
  %mx = qat.load @max : tensor<1xf32>
  %s = qat.load @scale : tensor<1xf32>
  %z = qat.load @zero_point : tensor<1xi32>
  %s0, %z0, %a0, %b0 = qat.observe %x, %mn, %mx qparams %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average>}
      : (tensor<1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %s1, %z1, %a1, %b1 = qat.observe %x, %mn, %mx qparams %s, %z {training, spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = none>}
      : (tensor<1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %s2, %z2, %a2, %b2 = qat.observe %x, %mn, %mx qparams %s, %z {training, spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average>}
      : (tensor<1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  return %s0, %z0, %s1, %z1, %s2, %z2 : tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xi32>
}
