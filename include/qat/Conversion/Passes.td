//===- Passes.td - qat conversion passes -------------------*- tablegen -*-===//

#ifndef QAT_CONVERSION_PASSES_TD
#define QAT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQatToLinalg : Pass<"convert-qat-to-linalg", "ModuleOp"> {
  let summary = "Lower qat model ops to linalg, tensor, arith and math";
  let description = [{
    Lowers every float model op of the `qat` dialect (layers, element-wise
    ops, pooling, shape ops, losses, fake_quant and the stubs) to
    destination-style linalg ops on tensors, and the module-level
    `qat.param` / `qat.load` / `qat.store` to public `memref.global`s that
    keep their symbol names (so a JIT can read trained values back by name),
    read through `bufferization.to_tensor` and written with
    `bufferization.materialize_in_destination`.

    Example:

    ```mlir
    %y = qat.relu %x : tensor<4x20xf32>
    ```
    becomes a `linalg.generic` computing `arith.maximumf(%in, 0.0)`.
  }];
  let options = [
    Option<"im2col", "im2col", "bool", /*default=*/"true",
           "Lower ungrouped static-shape conv2d (and its gradient) as im2col "
           "+ a GEMM whose innermost loop is contiguous, instead of the named "
           "linalg convolution">,
    Option<"blockPools", "block-pools", "bool", /*default=*/"true",
           "Store the output of an ungrouped static-shape conv2d (im2col "
           "lowering) that reaches 2x2 stride-2 max-pools only through "
           "pixel-wise ops in blocked pixel order (the four positions of "
           "each window in four planes, then the pixels no window reads), so "
           "that the pools and their gradients read and write contiguous "
           "planes">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "Split the large f32 GEMMs (layers and their gradients) over this "
           "many threads: an scf.forall over the batch and blocks of rows, "
           "with the same result at any thread count">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def LowerX86 : Pass<"qat-lower-x86", "ModuleOp"> {
  let summary = "Lower int8 linear and conv layers to x86 VNNI/AVX2 kernels";
  let description = [{
    Rewrites `qat.qlinear` and ungrouped `qat.qconv2d` (static shapes, an
    int8 weight parameter) into register-tiled loops on memrefs whose inner
    product is `vpdpbusd` (`isa=avx512vnni`: zmm, 16 channels per vector;
    `isa=avxvnni`: the ymm form, `{vex} vpdpbusd` on AVX-VNNI-only CPUs) or
    `vpmaddwd` on zero-/sign-extended 16-bit operands (`isa=avx2`; exact,
    unlike `vpmaddubsw`, which saturates). Everything else stays for
    `--convert-qat-to-linalg`.

    At compile time the weights are packed into the kernel's layout (groups
    of 4 (or 2) consecutive `k` per output channel, channels across the
    vector lanes, zero-padded), and the zero-point term and the int32 bias
    fold into one per-channel constant `bias - zp_x * sum_k w`. The epilogue
    requantizes in registers exactly as docs/numerics.md says (`sitofp`, `mulps`
    by the per-channel multiplier, round-half-to-even, `+ zp_y`, the fused
    ReLU clamp) and stores uint8/int8 results: bit for bit the scalar
    reference. Signed (int8) activations enter `vpdpbusd` as `x ^ 0x80`
    (= x + 128 as uint8), with `128 * sum_k w` folded into the constant.
    A convolution becomes im2col (rows = output pixels) + this GEMM + a
    transpose back to NCHW.

    `isa=host` picks the best the compiling machine has, `isa=generic`
    leaves everything to the generic lowering.

    ```mlir
    // qat-opt --qat-lower-x86=isa=avx512vnni
    %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 127 : i64} : ...
    // becomes scf.for loops over
    %acc = qat.dot_accumulate %acc0, %xb, %wv : vector<64xi8> -> vector<16xi32>
    ```
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"host\"",
           "avx512vnni, avxvnni, avx2, generic, or host (the best this "
           "machine has)">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "threads that each layer's output is split over (an scf.parallel "
           "for --convert-scf-to-openmp; 1: one loop nest)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertQatDotToLLVM : Pass<"convert-qat-dot-to-llvm", "ModuleOp"> {
  let summary = "Lower qat.dot_accumulate to x86 or Arm dot-product instructions";
  let description = [{
    With `arch=x86_64`, `qat.dot_accumulate` on bytes becomes `vpdpbusd`
    (16 lanes: the zmm form `llvm.x86.avx512.vpdpbusd.512`; 8 or 4 lanes:
    the ymm/xmm forms, encoded as `{vex} vpdpbusd` on AVX-VNNI-only
    targets); on 16-bit operands `vpmaddwd` (`llvm.x86.avx2.pmadd.wd`,
    `avx512.pmaddw.d.512`, `sse2.pmadd.wd`) plus an add. With
    `arch=aarch64`, bytes become `usdot` (FEAT_I8MM) or, with `lhs_signed`,
    `sdot` (FEAT_DotProd); 16-bit operands become widening multiplies and a
    pairwise add (`smull`/`smlal2`/`addp`), plain NEON; and
    `qat.mmla_accumulate` becomes `usmmla` (FEAT_I8MM). Runs after
    bufferization, next to `--convert-vector-to-llvm`.

    ```mlir
    %r = qat.dot_accumulate %acc, %x, %w : vector<64xi8> -> vector<16xi32>
    // becomes
    %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %x, %w)
        : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```
  }];
  let options = [
    Option<"arch", "arch", "std::string", /*default=*/"\"x86_64\"",
           "x86_64 or aarch64">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def LowerArm : Pass<"qat-lower-arm", "ModuleOp"> {
  let summary = "Lower int8 linear and conv layers to Arm NEON kernels";
  let description = [{
    The kernels of `--qat-lower-x86` for AArch64: a register-tiled GEMM on
    128-bit vectors (4 int32 lanes) whose inner product is `usmmla`
    (`isa=i8mm`: 2x8x2 tiles, uint8 activations times int8 weights, as the
    contract has them; rows go in pairs, 4 row pairs x 4 channel pairs of
    accumulators), `sdot` (`isa=dotprod`, a 6 x 4 tile of accumulators:
    uint8 activations enter as `x ^ 0x80` = x - 128 as int8,
    and `-128 * sum_k w` folds into the per-channel constant at compile
    time; exact, no approximation) or 16-bit widening multiplies
    (`isa=neon`, for cores without either). Weights are packed at compile
    time, requant (`scvtf`, `fmul`, `frintn`, `fcvtzs`) and the ReLU clamp
    are fused, as on x86; the results are the scalar reference's bit for
    bit.

    ```mlir
    // qat-opt --qat-lower-arm=isa=i8mm
    %acc = qat.mmla_accumulate %acc0, %x2rows, %w2cols
        : vector<16xi8> -> vector<4xi32>
    // qat-opt --qat-lower-arm=isa=dotprod
    %acc = qat.dot_accumulate %acc0, %xb, %wv {lhs_signed}
        : vector<16xi8> -> vector<4xi32>
    ```
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"i8mm\"",
           "i8mm, dotprod, neon or generic">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "threads that each layer's output is split over (an scf.parallel "
           "for --convert-scf-to-openmp; 1: one loop nest)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // QAT_CONVERSION_PASSES_TD
