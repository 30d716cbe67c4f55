// conv2d + batch_norm + relu after --qat-fuse: PyTorch's ConvBn QAT
// decomposition (weight * gamma / sqrt(running_var + eps), conv without
// bias, / the same factor, + conv bias, batch_norm, relu), so gamma gets
// gradient through qat.bn_scale_factor as well as through batch_norm.
// The TRAIN run: batch_norm on batch statistics (--train-mode=true, the default).
// The FROZEN run: --qat-fuse=freeze-bn=true and --train-mode=false (running statistics).
// Generated gradients against central finite differences, float64, mse;
// x [2, 3, 6, 5], weight [4, 3, 3, 3], padding 1.

// RUN: qat-opt %s --qat-fuse -o %t.train.mlir
// RUN: FileCheck %s --check-prefix=FUSED --input-file=%t.train.mlir
// RUN: qat-run gradcheck %t.train.mlir --atol=1e-7 --rtol=1e-5 | FileCheck %s --check-prefix=TRAIN
// RUN: qat-opt %s --qat-fuse=freeze-bn=true -o %t.frozen.mlir
// RUN: FileCheck %s --check-prefix=FUSED --input-file=%t.frozen.mlir
// RUN: qat-run gradcheck %t.frozen.mlir --train-mode=false --atol=1e-7 --rtol=1e-5 | FileCheck %s --check-prefix=FROZEN

// FUSED: qat.bn_scale_factor
// FUSED: qat.mul {{.*}}qat.bn_folded_weight
// FUSED: qat.conv2d %arg0, %{{[0-9]+}} {{.*}}: (tensor<2x3x6x5xf64>, tensor<4x3x3x3xf64>) -> tensor<2x4x6x5xf64>
// FUSED: qat.div
// FUSED: qat.batch_norm

// TRAIN: d input 0: 180 elements, {{.*}}, 0 outside tolerance OK
// TRAIN: d @conv.weight: 108 elements, {{.*}}, 0 outside tolerance OK
// TRAIN: d @conv.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// TRAIN: d @bn.weight: 4 elements, {{.*}}, 0 outside tolerance OK
// TRAIN: d @bn.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// TRAIN-NOT: FAIL

// FROZEN: d input 0: 180 elements, {{.*}}, 0 outside tolerance OK
// FROZEN: d @conv.weight: 108 elements, {{.*}}, 0 outside tolerance OK
// FROZEN: d @conv.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// FROZEN: d @bn.weight: 4 elements, {{.*}}, 0 outside tolerance OK
// FROZEN: d @bn.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// FROZEN-NOT: FAIL

qat.param @conv.weight = dense<[[[[2.287458e-01, 4.093756e-02, -2.048894e-01], [-1.324374e-01, -1.450478e-01, -8.787679e-02], [2.410405e-01, -3.273587e-01, -1.011005e-01]], [[2.330583e-01, 2.069372e-01, 8.318003e-02], [-2.954017e-01, -1.121243e-01, 2.966439e-01], [3.825065e-01, 1.657449e-01, -2.713016e-01]], [[3.028182e-01, -2.704836e-01, -1.284904e-01], [-1.174219e-01, -8.947802e-02, -3.072205e-01], [-2.515936e-01, 2.039232e-01, -3.393197e-01]]], [[[-8.581309e-02, -3.977274e-01, -3.070298e-02], [-3.305204e-01, -3.726222e-01, 2.496602e-01], [-2.349727e-01, 2.489580e-01, -1.853090e-01]], [[2.404133e-01, -4.644009e-02, 1.366347e-01], [3.794167e-01, -2.340237e-01, 1.048921e-01], [-3.335154e-01, -2.795154e-02, -2.709368e-01]], [[2.131884e-01, -3.143371e-01, -4.441390e-02], [-3.431732e-01, -2.248242e-02, 3.093670e-01], [2.156835e-01, -2.070898e-02, 3.368934e-01]]], [[[-8.016204e-03, -1.932606e-01, -2.864243e-01], [2.541708e-01, -2.798664e-01, 1.187864e-01], [2.899702e-01, -1.925665e-01, 2.015446e-01]], [[-3.062575e-01, -3.704663e-01, 1.408407e-01], [-5.464565e-02, 3.609441e-01, 3.487191e-01], [2.056480e-01, 2.258986e-01, 1.471291e-01]], [[2.062429e-01, -1.560265e-01, 3.660005e-01], [2.283297e-01, 2.683310e-01, -3.757951e-01], [-2.061555e-01, -1.467284e-01, 3.046304e-01]]], [[[4.338841e-02, 1.419321e-01, 5.326924e-03], [-2.653218e-02, -3.908087e-02, 3.049240e-02], [2.919255e-01, 2.735153e-01, 3.504170e-01]], [[2.386694e-01, -3.600030e-01, -1.734590e-01], [-1.582824e-01, -3.031976e-01, 3.744522e-01], [2.812397e-01, -5.382080e-02, -3.381073e-01]], [[-8.783665e-02, -2.367313e-01, -9.477865e-02], [-3.278434e-02, 3.945169e-01, -5.173435e-02], [-3.474552e-01, -1.101646e-01, -2.539861e-02]]]]> : tensor<4x3x3x3xf64>
qat.param @conv.bias = dense<[-1.114071e-01, -2.418974e-01, 2.927770e-01, -2.533454e-01]> : tensor<4xf64>
qat.param @bn.weight = dense<[1.184456e+00, 1.036278e+00, 1.266133e+00, 1.143219e+00]> : tensor<4xf64>
qat.param @bn.bias = dense<[-2.611725e-01, -2.833553e-01, -2.479646e-01, 1.059378e-01]> : tensor<4xf64>
qat.param state @bn.running_mean = dense<[-2.072592e-01, -2.048117e-01, -7.423812e-02, -2.875118e-01]> : tensor<4xf64>
qat.param state @bn.running_var = dense<[1.461853e+00, 1.206908e+00, 1.139468e+00, 1.289274e+00]> : tensor<4xf64>

func.func @forward(%x: tensor<2x3x6x5xf64>) -> tensor<2x4x6x5xf64> {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf64>
  %b = qat.load @conv.bias : tensor<4xf64>
  %c = qat.conv2d %x, %w, %b {padding = array<i64: 1, 1>}
      : (tensor<2x3x6x5xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>) -> tensor<2x4x6x5xf64>
  %g = qat.load @bn.weight : tensor<4xf64>
  %beta = qat.load @bn.bias : tensor<4xf64>
  %m = qat.load @bn.running_mean : tensor<4xf64>
  %v = qat.load @bn.running_var : tensor<4xf64>
  %n, %new_mean, %new_var = qat.batch_norm %c, %g, %beta, %m, %v
      : (tensor<2x4x6x5xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<2x4x6x5xf64>, tensor<4xf64>, tensor<4xf64>)
  %y = qat.relu %n : tensor<2x4x6x5xf64>
  return %y : tensor<2x4x6x5xf64>
}
