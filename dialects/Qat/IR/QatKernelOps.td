//===- QatKernelOps.td - ops of the generated int8 kernels -*- tablegen -*-===//
//
// Vector-level building blocks that --qat-lower-x86 (and later the ARM
// lowering) emits inside register-tiled kernels. Each has one integer
// semantics; the late lowering picks the instruction.
//
//===----------------------------------------------------------------------===//
#ifndef QAT_DIALECT_QATKERNELOPS_TD
#define QAT_DIALECT_QATKERNELOPS_TD

def Qat_DotAccumulateOp : Qat_Op<"dot_accumulate", [Pure,
    AllTypesMatch<["acc", "result"]>, AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "per-lane multiply-accumulate of small integer groups";
  let description = [{
    `result[i] = acc[i] + sum_{e < G} lhs[i*G + e] * rhs[i*G + e]` in int32
    with wrap-around, for every lane `i` of `acc`. With i8 operands `G = 4`,
    `lhs` is read as unsigned and `rhs` as signed bytes (x86 `vpdpbusd`,
    Arm `usdot`), or with `lhs_signed` both as signed bytes (Arm `sdot`);
    with i16 operands `G = 2`, both signed (x86 `vpmaddwd` then `vpaddd`,
    exact where `vpmaddubsw` would saturate; Arm `smull`/`smlal2` and a
    pairwise add). `--convert-qat-dot-to-llvm` turns it into the target's
    instructions.

    ```mlir
    %r = qat.dot_accumulate %acc, %x, %w : vector<64xi8> -> vector<16xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8, I16]>:$lhs,
                       VectorOfRankAndType<[1], [I8, I16]>:$rhs,
                       UnitAttr:$lhs_signed);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Qat_MmlaAccumulateOp : Qat_Op<"mmla_accumulate", [Pure,
    AllTypesMatch<["acc", "result"]>, AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "2x8 by 8x2 integer matrix multiply-accumulate";
  let description = [{
    `lhs` holds two rows of 8 unsigned bytes, `rhs` two columns of 8 signed
    bytes (each row-major), `acc` the 2x2 int32 result row-major:
    `result[2 * i + j] = acc[2 * i + j] + sum_{e < 8} lhs[8 * i + e] *
    rhs[8 * j + e]` with wrap-around. Arm's `usmmla` (FEAT_I8MM);
    `--convert-qat-dot-to-llvm=arch=aarch64` lowers it.

    ```mlir
    %r = qat.mmla_accumulate %acc, %x, %w : vector<16xi8> -> vector<4xi32>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[4], [I32]>:$acc,
                       VectorOfLengthAndType<[16], [I8]>:$lhs,
                       VectorOfLengthAndType<[16], [I8]>:$rhs);
  let results = (outs VectorOfLengthAndType<[4], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)
  }];
}

#endif // QAT_DIALECT_QATKERNELOPS_TD
