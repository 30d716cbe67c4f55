//===- Passes.td - qat transformation passes ---------------*- tablegen -*-===//

#ifndef QAT_TRANSFORMS_PASSES_TD
#define QAT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def EmitCInterface : Pass<"qat-emit-c-interface", "ModuleOp"> {
  let summary = "Give every public function a C-interface wrapper";
  let description = [{
    Marks each public `func.func` with `llvm.emit_c_interface`, so that
    `convert-func-to-llvm` emits `_mlir_ciface_<name>` taking memref
    descriptors by pointer: the ABI that `qat-run` calls in the JIT and that
    ahead-of-time objects export.

    ```mlir
    func.func @forward(%x: memref<1x10xf32>, %y: memref<1x20xf32>)
    // becomes
    func.func @forward(%x: memref<1x10xf32>, %y: memref<1x20xf32>)
        attributes {llvm.emit_c_interface}
    ```
  }];
}

#endif // QAT_TRANSFORMS_PASSES_TD
