//===- Passes.td - the code generation passes --------------*- tablegen -*-===//

#ifndef QAT_CODEGEN_PASSES_TD
#define QAT_CODEGEN_PASSES_TD

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

def AotEntries : Pass<"qat-aot-entries", "ModuleOp"> {
  let summary = "Export an inference function as the C entry points of an AOT object";
  let description = [{
    Prepares a converted (or float) model for ahead-of-time compilation
    (`qat-compile`): the function `entry` becomes the public
    `<prefix>_<entry>` (float in, float out), and when every argument
    enters through `qat.quantize` and every result leaves through
    `qat.dequantize`, a second public function `<prefix>_<entry>_q` takes
    and returns the quantized storage values (uint8 or int8) directly, with
    each boundary's scale, zero point, storage type and range recorded as
    `qat.scale`, `qat.zero_point`, `qat.storage`, `qat.qmin`, `qat.qmax`
    argument and result attributes (the C header prints them). Inputs are marked read only
    (`bufferization.writable = false`). Every other function and parameter is dropped or made private,
    so two models link into one program.

    An AOT object has no mutable global state: an entry that writes state
    (`qat.store`, observers, batch-norm in training mode) or still
    simulates quantization (`qat.fake_quant`; convert it first) is
    rejected with the op's location.

    ```mlir
    // qat-opt --qat-aot-entries="prefix=m1"
    func.func @m1_forward(%x: tensor<1x784xf32>) -> tensor<1x10xf32>
    func.func @m1_forward_q(%x: tensor<1x784xi8> {qat.qmax = 127 : i64,
        qat.qmin = 0 : i64, qat.scale = 0.0078 : f64, qat.storage = "uint8",
        qat.zero_point = 0 : i64}) -> (tensor<1x10xi8> {...})
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"forward\"",
           "The model function to export">,
    Option<"prefix", "prefix", "std::string", /*default=*/"\"qat\"",
           "Prefix of the exported symbols (a C identifier)">
  ];
  let dependentDialects = ["::mlir::qat::QatDialect",
                           "::mlir::quant::QuantDialect"];
}

def StridedCopyToLoops : Pass<"qat-strided-copy-to-loops", "ModuleOp"> {
  let summary = "Turn memref.copy of non-contiguous memrefs into linalg.copy";
  let description = [{
    `--finalize-memref-to-llvm` lowers a `memref.copy` between memrefs that
    are not both contiguous (e.g. into the interior of a padded buffer) to a
    call of `memrefCopy` from MLIR's C runner utilities, which an AOT
    object must not depend on. This pass rewrites those copies as
    `linalg.copy`, which `--convert-linalg-to-loops` turns into loops;
    contiguous copies stay `memref.copy` (a `memcpy`).

    ```mlir
    memref.copy %a, %sub : memref<4x10xi8> to memref<4x10xi8, strided<[12, 1]>>
    // becomes
    linalg.copy ins(%a : memref<4x10xi8>) outs(%sub : memref<4x10xi8, strided<[12, 1]>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ParallelizeLoops : Pass<"qat-parallelize-loops", "ModuleOp"> {
  let summary = "Split large linalg ops on memrefs over threads";
  let description = [{
    After bufferization, tiles one loop of every linalg op on memrefs whose
    iteration space has at least `min-iterations` points and whose work
    (points times the body's operations plus a quarter of the bytes each
    point reads and writes) reaches `min-work` into `threads` blocks, as an `scf.parallel` over the blocks (for
    `--convert-scf-to-openmp`); each block runs the op on a subview. The
    loop is the outermost parallel one that indexes every output: the batch
    of element-wise ops, im2col, pools and per-row reductions, the channels
    of a per-channel sum over the batch (a bias gradient). So every output
    element is computed by one thread with its terms in the same order: the
    bits do not depend on the thread count. Not split: reductions whose
    adds carry `reassoc` (their order is up to LLVM's vectorizer, which may
    treat the outlined parallel body differently), bodies with memory
    effects, and ops inside an `scf.parallel` already (the int8 kernels'
    blocks).

    ```mlir
    linalg.generic {iterator_types = ["parallel"]} ins(%a : memref<100352xf32>) outs(%b : memref<100352xf32>)
    // becomes, with threads=2
    scf.parallel (%i) = (%c0) to (%c100352) step (%c50176) {
      linalg.generic ... ins(%sa : memref<?xf32, strided<[1], offset: ?>>) ...
    }
    ```
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"2",
           "blocks (threads) to split each op into">,
    Option<"minIterations", "min-iterations", "int64_t",
           /*default=*/"16384",
           "ops with fewer points stay on one thread">,
    Option<"minWork", "min-work", "int64_t",
           /*default=*/"65536",
           "ops with less work (points times operations and bytes/4 per "
           "point) stay on one thread">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::affine::AffineDialect"];
}

def PlanWorkspace : Pass<"qat-plan-workspace", "ModuleOp"> {
  let summary = "Serve a function's temporary buffers from one allocation";
  let description = [{
    After bufferization, every static-shape `memref.alloc` at the top level
    of a function becomes a `memref.view` into one 64-byte-aligned
    workspace allocated on entry (and freed by the deallocation pipeline
    on exit). One large malloc per call instead of one per temporary: glibc
    serves repeated allocations of one size from its heap, while many
    megabyte-sized temporaries are mmapped and page-faulted in again on
    every call, which costs up to half the run time of a batch-256 CNN in
    this VM (bench/int8_model_bench.sh). Buffers whose live ranges (first
    to last top-level op that touches the buffer or a view of it) do not
    overlap share bytes: offsets are planned greedily by size, as TFLite's
    arena planner does, which keeps a batch's working set small enough to
    stay in cache. A buffer that escapes (returned, or aliased by an op
    other than a view) is live to the end. qat-compile runs it.

    ```mlir
    %a = memref.alloc() {alignment = 64 : i64} : memref<64x256xi8>
    // becomes
    %ws = memref.alloc() {alignment = 64 : i64} : memref<16384xi8>
    %a = memref.view %ws[%c0][] : memref<16384xi8> to memref<64x256xi8>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def CheckAllocations : Pass<"qat-check-allocations", "ModuleOp"> {
  let summary = "Allocate a function's temporaries on entry and return a status: nonzero when one failed";
  let description = [{
    Runs after bufferization and the deallocation pipeline, while each
    function is one block. Every function with a body gets an `i32`
    result, its status: 0 on success, 1 when a temporary could not be
    allocated (`aligned_alloc` or `malloc` returned null). Its
    `memref.alloc`s move to its entry, in program order, where one test of
    all their pointers decides: if any is null, the function frees the
    others (`free(NULL)` does nothing) and returns 1 before it has read or
    written anything. So an allocation failure leaks nothing and changes
    nothing (no output, no parameter a training step updates in place is
    touched), and the caller (the JIT, or the C program calling an AOT
    object) can report it and go on. The code that runs on success is
    unchanged but for one branch, marked unlikely.

    The ownership-based deallocation pipeline frees a function's
    temporaries at its end, so they are all live together anyway: moving
    the allocations up does not raise the peak memory. (qat-compile's
    workspace plan leaves one allocation per function.)

    Only static allocations at the top level of a one-block body can move:
    others are rejected, as are calls of functions with a body (whose own
    allocations would need their status checked) and functions that
    already return values. The pipeline creates none of these; the
    threads of `--threads` split loops over buffers allocated outside.

    ```mlir
    func.func @f(%in: memref<64xf32>, %out: memref<64xf32>) {
      linalg.exp ins(%in : memref<64xf32>) outs(%out : memref<64xf32>)
      %a = memref.alloc() : memref<64xf32>
      ...
      memref.dealloc %a : memref<64xf32>
      return
    }
    // becomes
    func.func @f(%in: memref<64xf32>, %out: memref<64xf32>) -> i32 {
      %a = memref.alloc() : memref<64xf32>
      %p = memref.extract_aligned_pointer_as_index %a : memref<64xf32> -> index
      %null = arith.cmpi eq, %p, %c0 : index
      cf.cond_br %null weights([1, 2000]), ^fail, ^body
    ^body:
      linalg.exp ins(%in : memref<64xf32>) outs(%out : memref<64xf32>)
      ...
      memref.dealloc %a : memref<64xf32>
      return %c0_i32 : i32
    ^fail:
      memref.dealloc %a : memref<64xf32>
      return %c1_i32 : i32
    }
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FuseElementwise : Pass<"qat-fuse-elementwise", "ModuleOp"> {
  let summary = "Element-wise, multi-result and sibling linalg fusion that recomputes only cheap producers";
  let description = [{
    Upstream `--linalg-fuse-elementwise-ops` fuses an all-parallel producer
    into its consumer whatever map the consumer reads it through, so a
    producer read through a window or im2col map (`(n, c, oh + kh, ow +
    kw)`) is recomputed for every window position: a 2x2 max-pool feeding a
    3x3 convolution's im2col would run 9 times. This pass applies the same
    patterns (fusion, reshape folding by expansion, constant folding) but
    fuses only through projected permutations and through the disjoint
    windows of a pooling whose stride is at least its window (`2 * oh +
    kh` with `kh < 2`), where each producer element is computed once: a
    fake-quant feeding a 2x2 max-pool of stride 2 runs inside the pool and
    is never written out. The results are unchanged; only where the work
    happens differs.

    A producer with several users is recomputed in each of them only when
    that is cheaper than writing it out and reading it back: an element-wise
    op of at most two arithmetic ops on one tensor of its own shape (the
    other operands broadcast), all of whose users are linalg ops reading it
    element by element. The batch-norm fold's `conv / scale + bias` is
    then never written; its readers read the conv output instead.

    Any other producer with several users is not recomputed: a consumer
    that iterates over the same loop ranges and reads the producer's
    results through the maps the producer writes them with joins the
    producer in one generic with the results of both (a loop that is a
    reduction in either is a reduction of the fused op). A gradient that
    two reductions sum and a third op scales is then one pass over memory
    instead of four. Siblings that read the same tensor element by element
    over the same loop ranges, with no dependence between them, are joined
    the same way, so the tensor is read once.

    A reshape that regroups trailing dims (collapse then expand, as the
    [N, C, H, W] -> [N, C, 2, 2, H/2, W/2] view of a pool's planes in
    blocked pixel order) stops upstream's reshape folding; the generic on
    its side with fewer dims is rewritten to iterate over the other side's
    dims (if its maps use those dims as a trailing run, or not at all, and
    its body reads no loop index), and the two then fuse.

    ```mlir
    %p = linalg.generic {... all parallel ...} -> tensor<64x32x13x13xi8>
    %c = linalg.generic {indexing_maps = [(n, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw), ...]}
        ins(%p ...)   // %p stays a separate loop nest
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}

def CollapseLoops : Pass<"qat-collapse-loops", "ModuleOp"> {
  let summary = "Merge contiguous loop dimensions of linalg ops into one";
  let description = [{
    After `convert-linalg-to-loops`, LLVM's loop vectorizer sees only the
    innermost loop. On NCHW activations that loop is the image width (26 or
    11 elements for C1), too short to vectorize well: LLVM then vectorizes
    an outer loop with gathers and scatters instead. This pass merges every
    run of adjacent iteration dimensions that have the same iterator type
    and stay contiguous in all indexing maps (upstream
    `linalg::collapseOpIterationDims`), so that an element-wise op over
    `[64, 32, 26, 26]` becomes one loop of 1384448 iterations and a
    per-channel reduction one loop of `26 * 26` per (n, c).

    It also marks the combiners of float max/min reductions `reassoc`:
    maximum and minimum are associative and commutative (NaN and signed
    zeros included), so the result is unchanged, and LLVM vectorizes the
    reduction only with that flag.

    ```mlir
    // before: 4 loops, innermost of 26
    linalg.generic {indexing_maps = [(n, c, h, w) -> (n, c, h, w), ...]}
    // after: 1 loop over the collapsed tensor
    linalg.generic {indexing_maps = [(d0) -> (d0), ...]}
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}

def WriteGlobalsInPlace : Pass<"qat-write-globals-in-place", "ModuleOp"> {
  let summary = "Compute updates of module globals in the global's own buffer";
  let description = [{
    Runs on tensors, right before one-shot bufferization. A parameter,
    optimizer or observer update stored into its global
    (`bufferization.materialize_in_destination` into a `memref.get_global`)
    would otherwise be computed into a new buffer and then copied into the
    global: per training step, a copy of every weight and momentum buffer.
    Here the `outs` of the linalg op that computes the stored value becomes
    the function's view of the global, made writable.

    Upstream empty-tensor elimination would build a second
    `to_tensor restrict` of the global and hide the backward pass's reads
    of the old value from the analysis. This pass keeps one view, so
    one-shot bufferization sees every read of the old value and falls back
    to a new buffer plus a copy if one of them comes after the update. It
    applies only when the view is the only one of its global in the
    function, the function calls no function of the module, and nothing
    that may alias the view or the new value is used after the store.

    ```mlir
    %w = bufferization.to_tensor %g restrict : memref<2xf32> to tensor<2xf32>
    %new = linalg.generic ... ins(%w, %s : ...) outs(%empty : tensor<2xf32>)
    bufferization.materialize_in_destination %new in restrict writable %g
    // becomes: %w is `restrict writable` and the generic writes outs(%w)
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def ComputeIntoSlices : Pass<"qat-compute-into-slices"> {
  let summary = "Compute a linalg op that is inserted into a larger tensor in that tensor's slice";
  let description = [{
    Runs on tensors, right before one-shot bufferization. A linalg op whose
    result is only inserted into a larger tensor (`tensor.insert_slice`),
    possibly through reshapes, and whose init is a `tensor.empty` (or a
    `linalg.fill` of one) gets the matching slice of the destination as its
    init: the result is computed in place instead of into a new buffer that
    is then copied. The pieces of a concatenation and of blocked pixel
    order (kPoolBlockedAttr) are written this way.

    Upstream empty-tensor elimination does the same when no reshape stands
    between the op and the insertion; with one (the [N, C, 2, 2, H, W]
    planes of a max-pool gradient inserted as [N, C, 4 H W]) its
    replacement has the wrong type and it gives up. Here the slice is
    reshaped back to the op's type, and the op (with its reshapes) moves to
    just before the insertion, where the destination is defined.

    ```mlir
    %e = tensor.empty() : tensor<2x2x5xf32>
    %g = linalg.generic ... outs(%e : tensor<2x2x5xf32>)
    %c = tensor.collapse_shape %g [[0, 1, 2]] : tensor<2x2x5xf32> into tensor<20xf32>
    %r = tensor.insert_slice %c into %d[0] [20] [1] : tensor<20xf32> into tensor<21xf32>
    // becomes
    %s = tensor.extract_slice %d[0] [20] [1] : tensor<21xf32> to tensor<20xf32>
    %x = tensor.expand_shape %s [[0, 1, 2]] output_shape [2, 2, 5] : ...
    %g = linalg.generic ... outs(%x : tensor<2x2x5xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

#endif // QAT_CODEGEN_PASSES_TD
